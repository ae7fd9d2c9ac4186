"""Promises to pay. Recording one pauses dunning on its invoices until its date plus grace
days; the daily run then settles it (kept, partly kept, broken) from what was paid."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from ..choices import Channel
from ..models import PromiseInvoice, PromiseToPay


@transaction.atomic
def promise_record(
    *,
    actor,
    customer,
    invoices,
    amount,
    promised_on: dt.date,
    channel: str = Channel.CALL,
    grace_days: int = 3,
    notes: str = "",
) -> PromiseToPay:
    """Record that ``customer`` promised to pay ``amount`` by ``promised_on`` on ``invoices``
    (open invoices of that customer). Their open amounts now are the baseline the run
    compares with to see what was paid."""
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("The amount promised must be positive.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if grace_days is None or int(grace_days) < 0:
        raise ValidationError({"grace_days": _("Grace days cannot be negative.")})
    ids = sorted({getattr(invoice, "pk", invoice) for invoice in invoices})
    if not ids:
        raise ValidationError({"invoices": _("Choose at least one invoice.")})
    locked = list(
        Invoice.objects.select_for_update()
        .filter(pk__in=ids, customer=customer, kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise ValidationError(
            {"invoices": _("Only open invoices of this customer can be promised.")}
        )
    promise = PromiseToPay.objects.create(
        customer=customer,
        amount=amount,
        promised_on=promised_on,
        grace_days=int(grace_days),
        channel=channel,
        taken_by=actor if getattr(actor, "is_authenticated", False) else None,
        notes=notes or "",
    )
    PromiseInvoice.objects.bulk_create(
        PromiseInvoice(promise=promise, invoice=invoice, open_amount_at_promise=invoice.open_amount)
        for invoice in locked
    )
    audit_record(
        actor=actor,
        action="create",
        instance=promise,
        changes={
            "amount": {"from": None, "to": str(amount)},
            "promised_on": {"from": None, "to": promised_on.isoformat()},
            "invoices": {"from": None, "to": [invoice.number for invoice in locked]},
        },
    )
    return promise
