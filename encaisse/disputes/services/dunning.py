"""How disputes stop and resume dunning, through the dunning block services only.

While a dispute is active each of its invoices carries a ``dispute`` block on the disputed
amount (capped at what is still open): the dunning run asks for the rest of the invoice and
leaves out an invoice whose open amount is all disputed. When the dispute is resolved, that
block is released and replaced by a *grace* block on the same amount ending
``DISPUTES_GRACE_DAYS`` days later (settings, 10 by default): the customer gets that time to pay
or to receive the promised credit note before dunning asks for the formerly disputed amount
again; the run releases the grace block by itself on its end date. A credit note allocated to
the invoice since the dispute was registered settles that much of the disputed amount: the
grace block covers only what is left of it (none after a credit note for the whole of it).
Reopening releases whatever block is there and blocks the disputed amount again."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from encaisse.core.dates import today
from encaisse.dunning.choices import BlockKind
from encaisse.dunning.services import block_create, block_release
from encaisse.receivables.models import Allocation

from ..models import Dispute, DisputedInvoice

DEFAULT_GRACE_DAYS = 10


def grace_days() -> int:
    return int(getattr(settings, "DISPUTES_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def credited_since(invoice, since) -> Decimal:
    """What credit notes allocated to ``invoice`` since ``since`` (a datetime) have settled."""
    total = Allocation.objects.filter(
        invoice=invoice, credit_note__isnull=False, created_at__gte=since
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def _lines(dispute: Dispute):
    return dispute.lines.select_related("invoice", "block").order_by("id")


def block_disputed_amounts(*, actor, dispute: Dispute, on: dt.date | None = None) -> None:
    """Block dunning on each line's disputed amount (what is still open of it), from ``on``
    (today)."""
    on = on or today()
    for line in _lines(dispute):
        amount = min(line.disputed_amount, line.invoice.open_amount)
        if amount <= 0:
            continue
        line.block = block_create(
            actor=actor,
            customer=dispute.customer,
            kind=BlockKind.DISPUTE,
            invoice=line.invoice,
            blocked_amount=amount,
            reason=_("Dispute %(number)s") % {"number": dispute.number},
            starts_on=on,
        )
        line.save(update_fields=["block"])


def release_blocks(*, actor, dispute: Dispute) -> None:
    """Release the lines' blocks still active (dispute or grace blocks)."""
    for line in _lines(dispute):
        if line.block is not None and line.block.released_at is None:
            block_release(actor=actor, block=line.block)
        if line.block is not None:
            line.block = None
            line.save(update_fields=["block"])


def resume_after_grace(*, actor, dispute: Dispute, on: dt.date | None = None) -> None:
    """Release the dispute blocks and keep the disputed amounts out of dunning for the grace
    days only."""
    on = on or today()
    release_blocks(actor=actor, dispute=dispute)
    days = grace_days()
    if days <= 0:
        return
    for line in DisputedInvoice.objects.filter(dispute=dispute).select_related("invoice"):
        # A credit note allocated since the dispute was registered settles that much of it.
        still_disputed = line.disputed_amount - credited_since(line.invoice, dispute.created_at)
        amount = min(still_disputed, line.invoice.open_amount)
        if amount <= 0:
            continue
        line.block = block_create(
            actor=actor,
            customer=dispute.customer,
            kind=BlockKind.DISPUTE,
            invoice=line.invoice,
            blocked_amount=amount,
            reason=_("Grace period after dispute %(number)s") % {"number": dispute.number},
            starts_on=on,
            ends_on=on + dt.timedelta(days=days),
        )
        line.save(update_fields=["block"])
