"""Disputes against the dunning calendar, day by day (the clock frozen on each day, a real run
each morning): what goes out and when while part of an invoice is disputed, after a founded
dispute is resolved with a credit note, and after an unfounded one is rejected.

The test scenario: J-5 call, J+5 email, J+15 letter (from 100), J+30 formal notice (from 500,
needs approval). F1 is 10,000.00 and F2 800.00, both due on DUE; 2,500.00 of F1 is disputed
on J+2."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from freezegun import freeze_time

from encaisse.disputes.choices import Outcome
from encaisse.disputes.services import dispute_resolve
from encaisse.disputes.tests.factories import cause, open_dispute
from encaisse.dunning.models import Block
from encaisse.dunning.services import dunning_run_generate
from encaisse.receivables.services import credit_note_allocate

from .factories import make_credit_note, make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 3, 2)


def j(offset: int) -> dt.date:
    return DUE + dt.timedelta(days=offset)


@pytest.fixture
def ledger(collector):
    make_scenario()
    customer = make_customer("DUP", "Dupont SA", collector=collector)
    f1 = make_invoice(customer, "F1", "10000.00", due=DUE, issued=j(-30))
    f2 = make_invoice(customer, "F2", "800.00", due=DUE, issued=j(-30))
    return customer, f1, f2


def walk(first: int, last: int, events: dict) -> dict[int, list[tuple]]:
    """Run dunning every morning from J``first`` to J``last`` (``events[day]()`` happens that
    day, before the run); returns ``{day: [(step, channel, {number: amount_due})]}`` for the
    days something went out."""
    out = {}
    for day in range(first, last + 1):
        with freeze_time(j(day)):
            if day in events:
                events[day]()
            actions = dunning_run_generate(as_of=j(day)).actions
        if actions:
            out[day] = [
                (
                    a["step"],
                    a["channel"],
                    {line["number"]: Decimal(line["amount_due"]) for line in a["invoices"]},
                )
                for a in actions
            ]
    return out


@override_settings(DISPUTES_GRACE_DAYS=10)
def test_a_founded_dispute_closed_with_a_credit_note_is_settled_by_it(collector, ledger):
    customer, f1, f2 = ledger
    state = {}

    def dispute():
        state["dispute"] = open_dispute(
            collector, customer=customer, lines=[(f1, "2500.00")], raised_on=j(2)
        )

    def credit_note():
        # Accounting issues the credit note for the disputed 2,500.00 and letters it to F1.
        note = make_credit_note(customer, "AV1", "-2500.00", issued=j(12), due=j(12))
        credit_note_allocate(actor=collector, credit_note=note, invoice=f1, amount="2500.00")

    def resolve():
        dispute_resolve(
            actor=collector,
            dispute=state["dispute"],
            outcome=Outcome.CREDIT_NOTE,
            founded=True,
            root_cause=cause("billing-error"),
            credit_note_number="AV1",
            credit_note_amount="2500.00",
        )

    out = walk(-10, 45, {2: dispute, 12: credit_note, 13: resolve})
    f1.refresh_from_db()
    assert f1.open_amount == Decimal("7500.00")  # settled by the credit note for its 2,500
    assert out == {
        -5: [("J-5", "call", {"F1": Decimal("10000.00"), "F2": Decimal("800.00")})],
        # The disputed 2,500.00 is never asked for.
        5: [("J+5", "email", {"F1": Decimal("7500.00"), "F2": Decimal("800.00")})],
        15: [("J+15", "letter", {"F2": Decimal("800.00")})],
        # The credit note (J+12) re-anchors F1 like a partial payment: its next step keeps its
        # spacing from the last one (J+5 -> J+15: ten days) counted from J+12. What is asked
        # is the rest, 7,500.00: the credit note settled the disputed part, nothing is left
        # in dispute nor in a grace period.
        22: [("J+15", "letter", {"F1": Decimal("7500.00")})],
        30: [("J+30", "formal_notice", {"F2": Decimal("800.00")})],
        37: [("J+30", "formal_notice", {"F1": Decimal("7500.00")})],
    }
    assert not Block.objects.filter(released_at__isnull=True).exists()


@override_settings(DISPUTES_GRACE_DAYS=10)
def test_a_partly_disputed_invoice_is_dunned_whole_once_the_grace_days_are_over(collector, ledger):
    """2,500.00 of F1 disputed on J+2, the dispute rejected on J+10: the grace block keeps
    the 2,500.00 out through J+20, the J+15 letter asks for 7,500.00, the J+30 formal notice
    for the whole 10,000.00."""
    customer, f1, f2 = ledger
    state = {}

    def dispute():
        state["dispute"] = open_dispute(
            collector, customer=customer, lines=[(f1, "2500.00")], raised_on=j(2)
        )

    def reject():
        dispute_resolve(
            actor=collector,
            dispute=state["dispute"],
            outcome=Outcome.REJECTED,
            founded=False,
            root_cause=cause("customer-error"),
        )

    out = walk(-10, 40, {2: dispute, 10: reject})
    assert out == {
        -5: [("J-5", "call", {"F1": Decimal("10000.00"), "F2": Decimal("800.00")})],
        5: [("J+5", "email", {"F1": Decimal("7500.00"), "F2": Decimal("800.00")})],
        15: [("J+15", "letter", {"F1": Decimal("7500.00"), "F2": Decimal("800.00")})],
        30: [("J+30", "formal_notice", {"F1": Decimal("10000.00"), "F2": Decimal("800.00")})],
    }


@override_settings(DISPUTES_GRACE_DAYS=10)
def test_after_a_wholly_disputed_invoice_it_resumes_at_the_step_it_should_be_at(collector, ledger):
    """All of F1 disputed on J+2, rejected on J+25: F1 is left out while disputed and through
    the grace days (J+35); on J+36 it moves to the step it should be at, the J+30 formal
    notice, once: the J+15 letter it missed is not sent late, nothing is sent twice."""
    customer, f1, f2 = ledger
    state = {}

    def dispute():
        state["dispute"] = open_dispute(
            collector, customer=customer, lines=[(f1, "10000.00")], raised_on=j(2)
        )

    def reject():
        dispute_resolve(
            actor=collector,
            dispute=state["dispute"],
            outcome=Outcome.REJECTED,
            founded=False,
            root_cause=cause("customer-error"),
        )

    out = walk(-10, 50, {2: dispute, 25: reject})
    assert out == {
        -5: [("J-5", "call", {"F1": Decimal("10000.00"), "F2": Decimal("800.00")})],
        5: [("J+5", "email", {"F2": Decimal("800.00")})],
        15: [("J+15", "letter", {"F2": Decimal("800.00")})],
        30: [("J+30", "formal_notice", {"F2": Decimal("800.00")})],
        36: [("J+30", "formal_notice", {"F1": Decimal("10000.00")})],
    }
