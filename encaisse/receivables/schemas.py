"""Input and output shapes of the receivables API (invoices, credit notes, payments).

Amounts are decimals: sent as JSON numbers or strings (``"1200.50"``), always returned as
strings so no client turns cents into binary floating point. Credit note amounts are returned
negative (the ledger's sign); they may be sent with either sign."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema, model_validator

from encaisse.core.dates import today

from .choices import InvoiceKind, InvoiceStatus

MoneyIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2, examples=["1200.50"])]
PositiveMoneyIn = Annotated[
    Decimal, Field(gt=0, max_digits=14, decimal_places=2, examples=["1200.50"])
]
MoneyOut = Annotated[
    Decimal,
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?\d+\.\d{2}$",
            "examples": ["1200.50"],
        },
        mode="serialization",
    ),
]
Currency = Annotated[str, Field(min_length=3, max_length=3, pattern="^[A-Za-z]{3}$")]


class CustomerRef(Schema):
    id: int
    code: str
    name: str


class CustomerChoice(Schema):
    """Name the customer by ``customer_id`` or by ``customer_code`` (one is required)."""

    customer_id: int | None = None
    customer_code: str | None = Field(None, max_length=64)

    @model_validator(mode="after")
    def _one_customer(self):
        if self.customer_id is None and not self.customer_code:
            raise ValueError("give customer_id or customer_code")
        return self


class InvoiceOut(Schema):
    id: int
    kind: str
    number: str
    customer: CustomerRef
    issue_date: dt.date
    due_date: dt.date
    amount: MoneyOut
    open_amount: MoneyOut
    currency: str
    status: str
    settled_on: dt.date | None
    days_overdue: int = Field(description="Days an open invoice is past its due date, else 0.")
    reference: str
    label: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_days_overdue(obj) -> int:
        if obj.status != InvoiceStatus.OPEN or obj.kind != InvoiceKind.INVOICE:
            return 0
        return max((today() - obj.due_date).days, 0)


class CreditNoteIn(CustomerChoice):
    number: str = Field(min_length=1, max_length=64)
    issue_date: dt.date
    due_date: dt.date | None = Field(
        None, description="Missing: from the customer's payment terms, else the company's."
    )
    amount: MoneyIn
    open_amount: MoneyIn | None = Field(None, description="Missing: the whole amount.")
    currency: Currency | None = Field(None, description="Missing: the company's currency.")
    reference: str = Field("", max_length=100)
    label: str = Field("", max_length=255)


class InvoiceIn(CreditNoteIn):
    kind: Literal["invoice", "credit_note"] = "invoice"


class InvoicePatch(Schema):
    """Only the fields sent change. Changing ``amount`` alone keeps what was already paid."""

    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    amount: MoneyIn | None = None
    open_amount: MoneyIn | None = None
    reference: str | None = Field(None, max_length=100)
    label: str | None = Field(None, max_length=255)


class InvoiceFilters(Schema):
    status: Literal["open", "settled"] | None = None
    overdue: bool | None = Field(
        None, description="Open invoices past their due date (or everything else)."
    )
    kind: Literal["invoice", "credit_note"] | None = None
    customer_id: int | None = None
    customer_code: str | None = None
    number: str | None = None
    due_before: dt.date | None = Field(None, description="Due on or before this date.")
    due_after: dt.date | None = Field(None, description="Due on or after this date.")
    min_amount: Decimal | None = Field(None, description="Amount incl. tax at least this.")
    max_amount: Decimal | None = Field(None, description="Amount incl. tax at most this.")


class InvoicePage(Schema):
    items: list[InvoiceOut]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next page; null on the last page."
    )


class AllocationIn(Schema):
    """The invoice by ``invoice_id`` or by ``invoice_number`` (one is required)."""

    invoice_id: int | None = None
    invoice_number: str | None = Field(None, max_length=64)
    amount: PositiveMoneyIn

    @model_validator(mode="after")
    def _one_invoice(self):
        if self.invoice_id is None and not self.invoice_number:
            raise ValueError("give invoice_id or invoice_number")
        return self


class AllocationOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    amount: MoneyOut
    allocated_on: dt.date
    payment_id: int | None
    credit_note_id: int | None

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number


class PaymentIn(CustomerChoice):
    reference: str = Field(min_length=1, max_length=100)
    received_on: dt.date
    amount: PositiveMoneyIn
    method: str = Field("", max_length=32, examples=["transfer"])
    currency: Currency | None = Field(None, description="Missing: the company's currency.")
    allocations: list[AllocationIn] = Field(
        default_factory=list, description="Invoices settled by this payment; the rest is kept."
    )


class PaymentOut(Schema):
    id: int
    customer: CustomerRef
    reference: str
    received_on: dt.date
    amount: MoneyOut
    unallocated_amount: MoneyOut
    currency: str
    method: str
    source: str
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.all())


class PaymentFilters(Schema):
    customer_id: int | None = None
    customer_code: str | None = None
    unallocated: bool | None = Field(None, description="With money left to allocate (or not).")
    received_after: dt.date | None = None
    received_before: dt.date | None = None


class PaymentPage(Schema):
    items: list[PaymentOut]
    next_cursor: str | None


class CreditNoteOut(InvoiceOut):
    allocations: list[AllocationOut] = Field(description="Invoices this credit note settled.")

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.credit_allocations.all())
