"""Reads of the dunning app."""

import datetime as dt
from decimal import Decimal

from .choices import RateKind
from .models import CustomerDunningProfile, ReferenceRate
from .penalties import Penalties, half_year_start, invoice_penalties


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
