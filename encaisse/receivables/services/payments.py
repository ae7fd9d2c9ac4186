"""Payments and allocations (lettrage): money or a credit note applied to invoices.

An allocation lowers the invoice's open amount (settling it at zero) and what is left of its
source: the payment's unallocated amount or the credit note's open amount. Every row touched is
locked (``select_for_update``) in one order, sources first then invoices by id, so two
allocations racing for the same invoice queue instead of both reading the old open amount."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.company.selectors import company_get
from encaisse.core.dates import today
from encaisse.core.money import ZERO, to_cents

from ..choices import InvoiceKind, Source
from ..models import Allocation, Invoice, Payment
from .balances import customer_balances_refresh
from .invoices import status_from_open_amount


def _positive(value, field: str) -> Decimal:
    amount = to_cents(Decimal(value))
    if amount <= ZERO:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    return amount


def _check_target(invoice: Invoice, *, customer_id: int, currency: str, amount: Decimal) -> None:
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValidationError({"invoice": _("Payments and credit notes settle invoices only.")})
    if invoice.customer_id != customer_id:
        raise ValidationError(
            {
                "invoice": _("Invoice %(number)s belongs to another customer.")
                % {"number": invoice.number}
            }
        )
    if invoice.currency != currency:
        raise ValidationError(
            {
                "invoice": _("Invoice %(number)s is in %(invoice)s, not %(source)s.")
                % {"number": invoice.number, "invoice": invoice.currency, "source": currency}
            }
        )
    if amount > invoice.open_amount:
        raise ValidationError(
            {
                "amount": _("Only %(open)s remains open on invoice %(number)s.")
                % {"open": invoice.open_amount, "number": invoice.number}
            }
        )


def _allocate(
    *,
    actor,
    invoice: Invoice,
    amount: Decimal,
    on: dt.date,
    payment: Payment | None = None,
    credit_note: Invoice | None = None,
) -> Allocation:
    """Apply ``amount`` of a locked source to a locked invoice; the caller holds the
    transaction, saves the source and refreshes the balances."""
    source = payment if payment is not None else credit_note
    _check_target(invoice, customer_id=source.customer_id, currency=source.currency, amount=amount)
    if payment is not None:
        if amount > payment.unallocated_amount:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s of payment %(reference)s is left to allocate.")
                    % {"left": payment.unallocated_amount, "reference": payment.reference}
                }
            )
        payment.unallocated_amount -= amount
    else:
        if amount > -credit_note.open_amount:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s of credit note %(number)s is left to use.")
                    % {"left": -credit_note.open_amount, "number": credit_note.number}
                }
            )
        credit_note.open_amount += amount
        status_from_open_amount(credit_note, on=on)
    open_before = invoice.open_amount
    invoice.open_amount -= amount
    status_from_open_amount(invoice, on=on)
    invoice.save(update_fields=["open_amount", "status", "settled_on", "updated_at"])
    allocation = Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        credit_note=credit_note,
        amount=amount,
        allocated_on=on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="allocate",
        instance=invoice,
        changes={
            "open_amount": {"from": str(open_before), "to": str(invoice.open_amount)},
            "allocation": {"from": None, "to": f"{amount} {_source_label(source)}"},
        },
    )
    return allocation


def _source_label(source) -> str:
    if isinstance(source, Payment):
        return _("payment %(reference)s") % {"reference": source.reference}
    return _("credit note %(number)s") % {"number": source.number}


def _locked_invoice(invoice_or_id) -> Invoice:
    pk = getattr(invoice_or_id, "pk", invoice_or_id)
    return Invoice.objects.select_for_update().get(pk=pk)


@transaction.atomic
def payment_create(
    *,
    actor,
    customer,
    reference: str,
    received_on: dt.date,
    amount,
    method: str = "",
    currency: str | None = None,
    allocations=(),
    source: str = Source.MANUAL,
) -> Payment:
    """Record money received from ``customer``, optionally allocated to invoices at once.

    ``allocations`` is a list of ``(invoice, amount)``; what is not allocated stays on the
    payment as ``unallocated_amount`` (cash on account, lowering the customer's balance).
    Errors in an allocation name it: ``allocations.1.amount``."""
    amount = _positive(amount, "amount")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("The reference is required.")})
    payment = Payment(
        customer=customer,
        reference=reference,
        received_on=received_on,
        amount=amount,
        unallocated_amount=amount,
        currency=(currency or company_get().currency).upper(),
        method=method or "",
        source=source,
    )
    if Payment.objects.filter(customer=customer, reference=reference).exists():
        raise _duplicate_reference_error(reference)
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
    except IntegrityError:
        raise _duplicate_reference_error(reference) from None
    wanted = list(allocations)
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update()
        .filter(pk__in=[getattr(inv, "pk", inv) for inv, _amount in wanted])
        .order_by("pk")
    }
    for index, (invoice, value) in enumerate(wanted):
        try:
            target = locked.get(getattr(invoice, "pk", invoice))
            if target is None:
                raise ValidationError({"invoice": _("This invoice does not exist.")})
            _allocate(
                actor=actor,
                invoice=target,
                amount=_positive(value, "amount"),
                on=received_on,
                payment=payment,
            )
        except ValidationError as error:
            raise ValidationError(
                {f"allocations.{index}.{name}": msgs for name, msgs in error.message_dict.items()}
            ) from None
    payment.save(update_fields=["unallocated_amount"])
    audit_record(
        actor=actor,
        action="create",
        instance=payment,
        changes={
            "customer": {"from": None, "to": str(customer)},
            "amount": {"from": None, "to": str(amount)},
            "received_on": {"from": None, "to": received_on.isoformat()},
            "unallocated_amount": {"from": None, "to": str(payment.unallocated_amount)},
        },
    )
    customer_balances_refresh(customer_ids=[customer.pk])
    return payment


def _duplicate_reference_error(reference: str) -> ValidationError:
    return ValidationError(
        {
            "reference": ValidationError(
                _("This customer already has a payment with reference %(reference)s.")
                % {"reference": reference},
                code="unique",
            )
        }
    )


@transaction.atomic
def allocation_create(
    *,
    actor,
    invoice,
    amount,
    payment: Payment | None = None,
    credit_note: Invoice | None = None,
    on: dt.date | None = None,
) -> Allocation:
    """Apply part of a payment or of a credit note (exactly one) to an invoice of the same
    customer and currency. Refuses more than the invoice still owes or the source has left."""
    if (payment is None) == (credit_note is None):
        raise ValueError("allocation_create needs exactly one of payment or credit_note")
    amount = _positive(amount, "amount")
    on = on or today()
    if payment is not None:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
    else:
        credit_note = _locked_invoice(credit_note)
        if credit_note.kind != InvoiceKind.CREDIT_NOTE:
            raise ValidationError({"credit_note": _("This document is not a credit note.")})
    target = _locked_invoice(invoice)
    allocation = _allocate(
        actor=actor,
        invoice=target,
        amount=amount,
        on=on,
        payment=payment,
        credit_note=credit_note,
    )
    if payment is not None:
        payment.save(update_fields=["unallocated_amount"])
    else:
        credit_note.save(update_fields=["open_amount", "status", "settled_on", "updated_at"])
    customer_balances_refresh(customer_ids=[target.customer_id])
    return allocation


def payment_allocate(*, actor, payment: Payment, invoice, amount, on=None) -> Allocation:
    """Allocate part of a payment's unallocated amount to an invoice (the API, lettrage)."""
    return allocation_create(actor=actor, invoice=invoice, amount=amount, payment=payment, on=on)


def credit_note_allocate(*, actor, credit_note: Invoice, invoice, amount, on=None) -> Allocation:
    """Use part of a credit note's open amount to settle an invoice."""
    return allocation_create(
        actor=actor, invoice=invoice, amount=amount, credit_note=credit_note, on=on
    )
