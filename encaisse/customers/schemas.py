"""Input and output shapes of the customers API.

People and segments are named as people read them: a collector or salesperson by username, a
segment by code. Amounts are returned as decimal strings, like the receivables API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from encaisse.receivables.schemas import MoneyOut

from .selectors import DEFAULT_SORT

TermsKindIn = Literal["", "net", "eom", "eom_then"]
LanguageIn = Literal["fr", "en"]
CreditLimitIn = Annotated[
    Decimal, Field(ge=0, max_digits=14, decimal_places=2, examples=["15000.00"])
]


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    siren: str
    siret: str
    vat_number: str
    segment: str | None = Field(description="The segment's code.")
    collector: str | None = Field(description="The collector's username.")
    salesperson: str | None = Field(description="The salesperson's username.")
    terms_kind: str = Field(
        description="net, eom (N days then end of month), eom_then (end of month then N days); "
        "empty: the company's default."
    )
    terms_days: int | None = Field(description="Null: the company's default.")
    language: str
    email: str
    phone: str
    address: str
    postal_code: str
    city: str
    country: str
    credit_limit: MoneyOut | None
    on_hold: bool
    notes: str
    open_balance: MoneyOut = Field(
        description="Open invoices and credit notes less unallocated payments, at the last "
        "balance refresh (balances_as_of)."
    )
    overdue_balance: MoneyOut = Field(description="The part of open_balance past its due date.")
    balances_as_of: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_segment(obj) -> str | None:
        return obj.segment.code if obj.segment_id else None

    @staticmethod
    def resolve_collector(obj) -> str | None:
        return obj.collector.username if obj.collector_id else None

    @staticmethod
    def resolve_salesperson(obj) -> str | None:
        return obj.salesperson.username if obj.salesperson_id else None


class CustomerPatch(Schema):
    """Only the fields sent change; send null (or "") to clear an optional one."""

    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=200)
    siren: str | None = Field(None, max_length=20, description="Spaces are ignored.")
    siret: str | None = Field(None, max_length=30, description="Spaces are ignored.")
    vat_number: str | None = Field(None, max_length=30)
    segment: str | None = Field(None, description="A segment code.")
    collector: str | None = Field(None, description="A username.")
    salesperson: str | None = Field(None, description="A username.")
    terms_kind: TermsKindIn | None = None
    terms_days: int | None = Field(None, ge=0, le=365)
    language: LanguageIn | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    address: str | None = None
    postal_code: str | None = Field(None, max_length=16)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2, examples=["FR"])
    credit_limit: CreditLimitIn | None = None
    on_hold: bool | None = None
    notes: str | None = None


class CustomerIn(CustomerPatch):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class CustomerFiltersIn(Schema):
    q: str | None = Field(None, description="Name or code (contains), or SIREN (starts with).")
    collector: str | None = Field(
        None, description="A collector's username; ``me`` for yours; ``none`` for unassigned."
    )
    segment: str | None = Field(None, description="A segment code.")
    overdue: bool | None = Field(None, description="true: only customers with an overdue balance.")
    on_hold: bool | None = None
    sort: Literal["overdue", "open_balance", "name", "code"] = Field(
        DEFAULT_SORT, description="overdue and open_balance sort the largest first."
    )


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` (with the same filters) for the next page; null on the "
        "last page."
    )


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    job_title: str
    email: str
    phone: str
    mobile: str
    is_billing_contact: bool
    language: str
    notes: str


class ContactPatch(Schema):
    """Only the fields sent change. ``is_billing_contact: true`` takes the role from the
    customer's previous billing contact (a customer has one)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    job_title: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    mobile: str | None = Field(None, max_length=32)
    is_billing_contact: bool | None = None
    language: Literal["", "fr", "en"] | None = None
    notes: str | None = None


class ContactIn(ContactPatch):
    name: str = Field(min_length=1, max_length=200)
