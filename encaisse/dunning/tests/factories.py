"""Builders for dunning tests: a small test scenario made the default, and ledger rows."""

import datetime as dt
from decimal import Decimal

from encaisse.dunning.models import Scenario, Step
from encaisse.receivables.tests.factories import make_credit_note, make_customer, make_invoice

__all__ = ["make_credit_note", "make_customer", "make_invoice", "make_scenario", "day"]

# offset, channel, minimum, needs approval
TEST_STEPS = [
    (-5, "call", "0", False),
    (5, "email", "0", False),
    (15, "letter", "100", False),
    (30, "formal_notice", "500", True),
]


def make_scenario(code="test", *, default=True, steps=TEST_STEPS) -> Scenario:
    """A scenario with ``steps``; by default it replaces the shipped default scenario and the
    segment mappings, so customers without a segment follow it."""
    if default:
        Scenario.objects.filter(is_default=True).update(is_default=False)
    scenario = Scenario.objects.create(code=code, name=code.title(), is_default=default)
    for offset, channel, minimum, approval in steps:
        Step.objects.create(
            scenario=scenario,
            name=f"{channel} {offset}",
            offset_days=offset,
            channel=channel,
            template_code=f"{channel}-{offset}",
            min_amount=Decimal(minimum),
            needs_approval=approval,
        )
    return scenario


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
