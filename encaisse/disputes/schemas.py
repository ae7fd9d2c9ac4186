"""Input and output shapes of the disputes API. Amounts are decimals, returned as strings."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from encaisse.receivables.schemas import MoneyOut

from .choices import Origin, Outcome, Status

PositiveMoneyIn = Annotated[
    Decimal, Field(gt=0, max_digits=14, decimal_places=2, examples=["2500.00"])
]


class Ref(Schema):
    id: int
    code: str
    name: str


class ReasonCodeOut(Schema):
    id: int
    code: str
    label: str
    category: str = Field(description="The category's code.")
    department: str = Field(description="The responsible department's code.")
    waiting_for: str
    target_days: int = Field(description="Target resolution time, in business days.")

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class LineIn(Schema):
    invoice_id: int | None = None
    invoice_number: str | None = Field(None, max_length=64)
    disputed_amount: PositiveMoneyIn


class LineOut(Schema):
    invoice_id: int
    invoice_number: str
    open_amount: MoneyOut
    disputed_amount: MoneyOut

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number

    @staticmethod
    def resolve_open_amount(obj) -> Decimal:
        return obj.invoice.open_amount


class DisputeIn(Schema):
    customer_id: int
    invoices: list[LineIn] = Field(min_length=1)
    origin: Origin = Origin.MANUAL
    words: str = Field("", max_length=10000, description="The customer's own words.")
    raised_on: dt.date | None = Field(None, description="Empty: today.")
    reason_code: str | None = Field(None, description="A reason code (qualifies the dispute).")
    department: str | None = Field(None, description="Overrides the reason code's department.")
    owner_id: int | None = None
    contact_id: int | None = None


class DisputeOut(Schema):
    id: int
    number: str
    customer: Ref
    status: Status
    origin: Origin
    words: str
    raised_on: dt.date
    category: str | None
    reason_code: str | None
    department: str | None
    owner: UserRef | None
    coordinator: UserRef | None
    disputed_total: MoneyOut
    target_date: dt.date | None
    escalation_level: int
    outcome: str
    founded: bool | None
    root_cause: str | None
    credit_note_number: str
    credit_note_amount: MoneyOut | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_customer(obj) -> dict:
        return {"id": obj.customer_id, "code": obj.customer.code, "name": obj.customer.name}

    @staticmethod
    def resolve_category(obj):
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_reason_code(obj):
        return obj.reason_code.code if obj.reason_code_id else None

    @staticmethod
    def resolve_department(obj):
        return obj.department.code if obj.department_id else None

    @staticmethod
    def resolve_root_cause(obj):
        return obj.root_cause.code if obj.root_cause_id else None


class EventOut(Schema):
    type: str
    at: dt.datetime
    actor: UserRef | None
    from_status: str
    to_status: str
    comment: str
    data: dict


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class DisputeDetail(DisputeOut):
    invoices: list[LineOut]
    timeline: list[EventOut]
    evidence: list[EvidenceOut]
    allowed_next: list[Status]


class DisputePage(Schema):
    items: list[DisputeOut]
    next_cursor: str | None


class TransitionIn(Schema):
    """``to`` is the next status. ``qualified`` needs ``reason_code``; ``resolved`` needs
    ``outcome``, ``founded`` and (unless withdrawn) ``root_cause``, plus the credit note's
    number and amount for ``credit_note``; reopening (``in_progress`` from resolved or closed)
    needs a ``comment``."""

    to: Status
    comment: str = Field("", max_length=10000)
    reason_code: str | None = None
    department: str | None = None
    owner_id: int | None = None
    outcome: Outcome | None = None
    founded: bool | None = None
    root_cause: str | None = None
    credit_note_number: str = Field("", max_length=64)
    credit_note_amount: PositiveMoneyIn | None = None


class CommentIn(Schema):
    comment: str = Field(min_length=1, max_length=10000)


class DisputeFilters(Schema):
    status: Status | None = None
    active: bool | None = None
    department: str | None = None
    owner_id: int | None = None
    customer_id: int | None = None
    reason_code: str | None = None
    late: bool | None = Field(None, description="true: active disputes past their target date.")
