"""Blocks and holds: what stops dunning on a customer, an invoice or part of an invoice.

Called by the pages and API (later), and by the disputes feature, which creates a ``dispute``
block (with ``blocked_amount`` for a partly disputed invoice) and releases it at resolution.
The daily run releases blocks whose end date has passed."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.core.dates import today

from ..choices import BlockKind
from ..models import Block


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"blocked_amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"blocked_amount": _("The blocked amount must be positive.")})
    return amount


@transaction.atomic
def block_create(
    *,
    actor,
    customer,
    kind: str = BlockKind.BLOCK,
    reason: str,
    invoice=None,
    blocked_amount=None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Block:
    """Stop dunning on ``customer`` (``invoice`` empty), on ``invoice``, or on
    ``blocked_amount`` of it, from ``starts_on`` (today) through ``ends_on`` (open-ended when
    empty; a hold needs one)."""
    if kind not in BlockKind.values:
        raise ValidationError({"kind": _("Unknown kind of block.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("The reason is required.")})
    if invoice is not None and invoice.customer_id != customer.pk:
        raise ValidationError({"invoice": _("This invoice belongs to another customer.")})
    amount = _amount(blocked_amount)
    if amount is not None:
        if invoice is None:
            raise ValidationError(
                {"blocked_amount": _("An amount can only be blocked on an invoice.")}
            )
        if amount > invoice.amount:
            raise ValidationError(
                {"blocked_amount": _("The blocked amount exceeds the invoice amount.")}
            )
    starts_on = starts_on or today()
    if kind == BlockKind.HOLD and ends_on is None:
        raise ValidationError({"ends_on": _("A hold needs an end date.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    block = Block.objects.create(
        kind=kind,
        customer=customer,
        invoice=invoice,
        blocked_amount=amount,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        instance=block,
        changes={
            "customer": {"from": None, "to": str(customer)},
            "invoice": {"from": None, "to": str(invoice) if invoice else None},
            "blocked_amount": {"from": None, "to": str(amount) if amount else None},
            "starts_on": {"from": None, "to": starts_on.isoformat()},
            "ends_on": {"from": None, "to": ends_on.isoformat() if ends_on else None},
        },
    )
    return block


@transaction.atomic
def block_release(*, actor, block: Block) -> Block:
    """Release a block or hold now (dunning resumes at the next run)."""
    block = Block.objects.select_for_update().get(pk=block.pk)
    if block.released_at is not None:
        raise ValidationError({"released_at": _("This block is already released.")})
    block.released_at = timezone.now()
    block.released_by = actor if getattr(actor, "is_authenticated", False) else None
    block.save(update_fields=["released_at", "released_by"])
    audit_record(
        actor=actor,
        action="release",
        instance=block,
        changes={"released_at": {"from": None, "to": block.released_at.isoformat()}},
    )
    return block
