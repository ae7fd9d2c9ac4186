"""Reads of the dunning app."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from encaisse.core.dates import today

from .choices import BlockKind, RateKind
from .models import Block, CustomerDunningProfile, ReferenceRate
from .penalties import Penalties, half_year_start, invoice_penalties, next_half_year

# How long before a half-year starts its missing ECB rate is worth a warning.
RATE_NOTICE_DAYS = 31


def rate_gap(*, on: dt.date | None = None) -> dt.date | None:
    """The first day of a half-year whose ECB rate the table lacks while penalties need it now
    or soon: the half-year of ``on`` (default today), or the next one when it starts within
    RATE_NOTICE_DAYS. None when the table has both. Penalties refuse a half-year without its
    rate (letters that state them wait), so the people who keep the table are told ahead."""
    on = on or today()
    current = half_year_start(on)
    wanted = [current]
    following = next_half_year(current)
    if (following - on).days <= RATE_NOTICE_DAYS:
        wanted.append(following)
    known = set(
        ReferenceRate.objects.filter(kind=RateKind.ECB_MRO, starts_on__in=wanted).values_list(
            "starts_on", flat=True
        )
    )
    return next((start for start in wanted if start not in known), None)


def reference_rates(kind: str = RateKind.ECB_MRO) -> dict[dt.date, Decimal]:
    """``{half-year start: rate in percent}`` for penalties.py."""
    return dict(ReferenceRate.objects.filter(kind=kind).values_list("starts_on", "rate"))


def contractual_rate(customer) -> Decimal | None:
    return (
        CustomerDunningProfile.objects.filter(customer=customer)
        .values_list("penalty_rate", flat=True)
        .first()
    )


def penalties_for_invoice(invoice, *, until: dt.date, amount: Decimal | None = None) -> Penalties:
    """The penalties on ``invoice`` (on its open amount, or ``amount``) up to ``until``, at the
    customer's contractual rate or the L441-10 default. Raises penalties.MissingRate when a
    half-year of the delay has no rate in the table."""
    return invoice_penalties(
        amount=invoice.open_amount if amount is None else amount,
        due_date=invoice.due_date,
        until=until,
        ecb_rates=reference_rates(),
        contractual_rate=contractual_rate(invoice.customer_id),
    )


def legal_interest_floor(on: dt.date) -> Decimal | None:
    """3 times the legal interest rate (professionals) of the half-year of ``on``: the lowest
    contractual penalty rate L441-10 allows; None when the table lacks that half-year."""
    rate = (
        ReferenceRate.objects.filter(
            kind=RateKind.LEGAL_PROFESSIONAL, starts_on=half_year_start(on)
        )
        .values_list("rate", flat=True)
        .first()
    )
    return None if rate is None else 3 * rate


def active_blocks(*, on: dt.date | None = None):
    """Blocks and holds in force on ``on`` (today): started, not released, not ended (the run
    releases ended ones each morning; until then they no longer count)."""
    on = on or today()
    return Block.objects.filter(released_at__isnull=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def holds_by_customer(customer_ids, *, on: dt.date | None = None) -> dict[int, Block]:
    """``{customer id: Block}`` for the customers with an active hold or block on the whole
    customer (a hold before a block, then the one ending last)."""
    result: dict[int, Block] = {}
    blocks = active_blocks(on=on).filter(customer_id__in=list(customer_ids), invoice__isnull=True)
    for block in sorted(blocks, key=_badge_order):
        result.setdefault(block.customer_id, block)
    return result


def holds_by_invoice(invoices, *, on: dt.date | None = None) -> dict[int, Block]:
    """``{invoice id: Block}`` for the invoices under an active hold or block of their own
    (dispute blocks excepted) or of their customer's; one query."""
    invoices = list(invoices)
    blocks = active_blocks(on=on).filter(
        Q(invoice_id__in=[invoice.pk for invoice in invoices]) & ~Q(kind=BlockKind.DISPUTE)
        | Q(customer_id__in={invoice.customer_id for invoice in invoices}, invoice__isnull=True)
    )
    own: dict[int, Block] = {}
    customers: dict[int, Block] = {}
    for block in sorted(blocks, key=_badge_order):
        if block.invoice_id is None:
            customers.setdefault(block.customer_id, block)
        else:
            own.setdefault(block.invoice_id, block)
    result = {}
    for invoice in invoices:
        block = own.get(invoice.pk) or customers.get(invoice.customer_id)
        if block is not None:
            result[invoice.pk] = block
    return result


def _badge_order(block: Block):
    return (block.kind != BlockKind.HOLD, -(block.ends_on or dt.date.max).toordinal())
