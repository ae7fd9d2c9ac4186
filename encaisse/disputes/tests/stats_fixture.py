"""A small set of disputes whose statistics were worked out by hand (see the tables in
test_statistics.py): reason code A1 (billing) for customer C1 of segment "sme", B1
(logistics) for customer C2 of segment "public"."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from encaisse.customers.models import Segment
from encaisse.disputes.models import Dispute

from .factories import cause, make_customer, make_invoice, open_dispute

PARIS = ZoneInfo("Europe/Paris")
AS_OF = dt.date(2026, 4, 1)

# amount, days to resolve (None: still open), founded, root cause
A1 = [
    ("100.00", 2, True, "billing-error"),
    ("200.00", 4, True, "billing-error"),  # resolved at 00:30 Paris, 23:30 UTC the day before
    ("350.00", 10, False, "price-master-data"),
    ("400.00", 20, False, "customer-error"),
    ("950.00", None, None, None),
]
B1 = [("50.00", 3, True, "picking-error"), ("150.00", 6, True, "picking-error")]


def _settle(dispute, *, raised_on, target, days, founded, root_cause, at_half_past_midnight):
    fields = {"raised_on": raised_on, "target_date": target}
    if days is not None:
        local = dt.datetime.combine(raised_on + dt.timedelta(days=days), dt.time(10, 0))
        if at_half_past_midnight:
            local = local.replace(hour=0, minute=30)
        fields.update(
            status="resolved",
            outcome="commercial_gesture" if founded else "rejected",
            founded=founded,
            root_cause=cause(root_cause),
            resolved_at=local.replace(tzinfo=PARIS),
        )
    Dispute.objects.filter(pk=dispute.pk).update(**fields)


def build(actor=None) -> dict:
    """The fixture's disputes, by reason code."""
    sme = Segment.objects.get(code="sme")
    public = Segment.objects.get(code="public")
    c1 = make_customer("C1", "Dupont SA", segment=sme)
    c2 = make_customer("C2", "Martin SARL", segment=public)
    made = {"A1": [], "B1": []}
    for reason, customer, rows, raised_on, target in (
        ("A1", c1, A1, dt.date(2026, 3, 2), dt.date(2026, 3, 16)),
        ("B1", c2, B1, dt.date(2026, 3, 10), dt.date(2026, 3, 31)),
    ):
        for index, (amount, days, founded, root_cause) in enumerate(rows):
            invoice = make_invoice(customer, f"{reason}-{index}", "10000.00")
            dispute = open_dispute(
                actor, customer=customer, lines=[(invoice, amount)], reason=reason
            )
            _settle(
                dispute,
                raised_on=raised_on,
                target=target,
                days=days,
                founded=founded,
                root_cause=root_cause,
                at_half_past_midnight=(reason, index) == ("A1", 1),
            )
            made[reason].append(dispute)
    assert sum(d.disputed_total for d in made["A1"]) == Decimal("2000.00")
    return made
