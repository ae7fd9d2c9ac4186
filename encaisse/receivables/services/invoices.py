"""Writes to single invoices and credit notes, by hand (the invoice page) or through the API.

Imports write in bulk through their own set-based code; these services are for one document at
a time, each in one transaction with an audit row."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record, diff, snapshot
from encaisse.company.selectors import company_get
from encaisse.core.dates import due_date_for, today
from encaisse.core.money import ZERO, to_cents

from ..choices import InvoiceKind, InvoiceStatus, Source
from ..models import Invoice
from .balances import customer_balances_refresh

EDITABLE_FIELDS = ["issue_date", "due_date", "reference", "label", "amount", "open_amount"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "status", "settled_on"]


def customer_due_date(customer, issue_date: dt.date) -> dt.date:
    """The due date the customer's payment terms give, or the company default terms."""
    company = None
    kind, days = customer.terms_kind, customer.terms_days
    if not kind or days is None:
        company = company_get()
        kind = kind or company.default_terms_kind
        days = company.default_terms_days if days is None else days
    return due_date_for(issue_date, kind=kind, days=days)


def _signed(kind: str, value: Decimal, field: str) -> Decimal:
    """Amounts are signed in the ledger: credit notes negative. A credit note may be given with
    either sign; an invoice must not be negative (that is a credit note)."""
    value = to_cents(Decimal(value))
    if kind == InvoiceKind.CREDIT_NOTE:
        return -abs(value)
    if value < 0:
        raise ValidationError(
            {field: _("An invoice amount cannot be negative; record a credit note instead.")}
        )
    return value


def _check_amounts(invoice: Invoice) -> None:
    """``open_amount`` lies between zero and ``amount`` (both on the document's sign)."""
    amount, open_amount = abs(invoice.amount), abs(invoice.open_amount)
    if amount == ZERO:
        raise ValidationError({"amount": _("The amount cannot be zero.")})
    if open_amount > amount:
        raise ValidationError(
            {"open_amount": _("The open amount cannot exceed the amount of the document.")}
        )
    if invoice.due_date < invoice.issue_date:
        raise ValidationError({"due_date": _("The due date cannot be before the issue date.")})


def status_from_open_amount(invoice: Invoice, *, on: dt.date | None = None) -> None:
    """The status follows the open amount: settled at zero (dated once), open otherwise."""
    if invoice.open_amount == ZERO:
        if invoice.status != InvoiceStatus.SETTLED or invoice.settled_on is None:
            invoice.settled_on = on or today()
        invoice.status = InvoiceStatus.SETTLED
    else:
        invoice.status = InvoiceStatus.OPEN
        invoice.settled_on = None


def _duplicate_number_error(kind: str, number: str) -> ValidationError:
    if kind == InvoiceKind.CREDIT_NOTE:
        message = _("A credit note numbered %(number)s already exists.")
    else:
        message = _("An invoice numbered %(number)s already exists.")
    return ValidationError({"number": ValidationError(message % {"number": number}, code="unique")})


@transaction.atomic
def invoice_create(*, actor, customer, data: dict, source: str = Source.MANUAL) -> Invoice:
    """Record one invoice or credit note for ``customer`` (the API, or a user by hand).

    ``data``: number, issue_date, amount (required); kind (invoice by default), due_date (from the
    customer's payment terms, else the company's, when missing), open_amount (the amount when
    missing), currency (the company's when missing), reference, label. A credit note's amounts
    are stored negative whatever sign they are given with. A duplicate number raises a
    ValidationError with code ``unique``."""
    kind = data.get("kind") or InvoiceKind.INVOICE
    if kind not in InvoiceKind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    number = (data.get("number") or "").strip()
    if not number:
        raise ValidationError({"number": _("The number is required.")})
    issue_date = data["issue_date"]
    amount = _signed(kind, data["amount"], "amount")
    open_amount = data.get("open_amount")
    open_amount = amount if open_amount is None else _signed(kind, open_amount, "open_amount")
    invoice = Invoice(
        customer=customer,
        kind=kind,
        number=number,
        issue_date=issue_date,
        due_date=data.get("due_date") or customer_due_date(customer, issue_date),
        amount=amount,
        open_amount=open_amount,
        currency=(data.get("currency") or company_get().currency).upper(),
        reference=data.get("reference") or "",
        label=data.get("label") or "",
        source=source,
    )
    _check_amounts(invoice)
    status_from_open_amount(invoice)
    if Invoice.objects.filter(kind=kind, number=number).exists():
        raise _duplicate_number_error(kind, number)
    try:
        # A concurrent insert of the same number loses here rather than at the check above.
        with transaction.atomic():
            invoice.save(force_insert=True)
    except IntegrityError:
        raise _duplicate_number_error(kind, number) from None
    audit_record(
        actor=actor,
        action="create",
        instance=invoice,
        changes={
            name: {"from": None, "to": value}
            for name, value in snapshot(invoice, ["customer", "kind", *AUDITED_FIELDS]).items()
        },
    )
    customer_balances_refresh(customer_ids=[customer.pk])
    return invoice


@transaction.atomic
def invoice_update(*, actor, invoice: Invoice, data: dict) -> Invoice:
    """Change an invoice or credit note by hand (invoice edit page, API PATCH).

    Editable: issue_date, due_date, reference, label, amount, open_amount; other keys in
    ``data`` are ignored. When the amount changes without a new open amount, what was already
    paid stays paid (the open amount moves by the same difference). The status follows the open
    amount. Returns the saved invoice (a fresh instance: ``invoice`` may be a form's copy that
    already holds the new values)."""
    current = Invoice.objects.select_for_update().get(pk=invoice.pk)
    before = snapshot(current, AUDITED_FIELDS)
    for name in ("issue_date", "due_date"):
        if data.get(name) is not None:
            setattr(current, name, data[name])
    for name in ("reference", "label"):
        if name in data:
            setattr(current, name, data[name] or "")
    if data.get("amount") is not None:
        new_amount = _signed(current.kind, data["amount"], "amount")
        if data.get("open_amount") is None and new_amount != current.amount:
            paid = current.amount - current.open_amount
            if abs(paid) > abs(new_amount):
                raise ValidationError(
                    {
                        "amount": _(
                            "The amount cannot be lower than what is already paid (%(paid)s)."
                        )
                        % {"paid": abs(paid)}
                    }
                )
            current.open_amount = new_amount - paid
        current.amount = new_amount
    if data.get("open_amount") is not None:
        current.open_amount = _signed(current.kind, data["open_amount"], "open_amount")
    _check_amounts(current)
    status_from_open_amount(current)
    changes = diff(before, snapshot(current, AUDITED_FIELDS))
    if not changes:
        return current
    current.save()
    audit_record(actor=actor, action="update", instance=current, changes=changes)
    customer_balances_refresh(customer_ids=[current.customer_id])
    return current
