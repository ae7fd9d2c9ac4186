"""Dunning stops on the disputed amount and only on it, through the real dunning run and its
``--json`` output: an invoice of 10,000 EUR with 2,500 EUR disputed is dunned for 7,500 EUR; a
fully disputed invoice is left out; after resolution and the grace days, dunning resumes.

Days count from today because resolving and reopening act today (the test scenario's steps:
J-5 call, J+5 email, J+15 letter from 100, J+30 formal notice from 500)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from encaisse.cli import translate
from encaisse.core.dates import today
from encaisse.disputes.choices import Outcome
from encaisse.disputes.services import dispute_reopen, dispute_resolve
from encaisse.dunning.models import Block
from encaisse.dunning.tests.factories import make_scenario

from .factories import cause, make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


def _run(as_of: dt.date) -> list[dict]:
    out = io.StringIO()
    call_command(*translate(["dunning", "run", "--as-of", as_of.isoformat(), "--json"]), stdout=out)
    return json.loads(out.getvalue())


def _lines(actions) -> dict[str, str]:
    return {line["number"]: line["amount_due"] for a in actions for line in a["invoices"]}


def _days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def ledger():
    make_scenario()
    customer = make_customer()
    due = _days(-6)
    partly = make_invoice(customer, "F1", "10000.00", due=due, issued=due - dt.timedelta(days=30))
    whole = make_invoice(customer, "F2", "1200.00", due=due, issued=due - dt.timedelta(days=30))
    make_invoice(customer, "F3", "300.00", due=due, issued=due - dt.timedelta(days=30))
    return customer, partly, whole


@override_settings(DISPUTES_GRACE_DAYS=10)
def test_it_duns_only_the_undisputed_amount_and_resumes_after_resolution(collector, ledger):
    customer, partly, whole = ledger
    dispute = open_dispute(
        collector,
        customer=customer,
        lines=[(partly, "2500.00"), (whole, "1200.00")],
        raised_on=_days(-2),
    )
    # J+5 email: F1 for its undisputed 7,500.00, F2 (all disputed) left out, F3 untouched.
    assert _lines(_run(_days(0))) == {"F1": "7500.00", "F3": "300.00"}

    dispute_resolve(
        actor=collector,
        dispute=dispute,
        outcome=Outcome.REJECTED,
        founded=False,
        root_cause=cause("customer-error"),
    )
    grace = Block.objects.filter(released_at__isnull=True)
    assert sorted((b.blocked_amount, b.ends_on) for b in grace) == [
        (whole.amount, _days(10)),
        (2500, _days(10)),
    ]
    # J+15 letter within the grace days: the formerly disputed amounts still stay out.
    assert _lines(_run(_days(9))) == {"F1": "7500.00", "F3": "300.00"}
    # Grace over: the run releases the grace blocks; F2 catches up on its letter...
    assert _lines(_run(_days(11))) == {"F2": "1200.00"}
    assert not Block.objects.filter(released_at__isnull=True).exists()
    # ... and the formal notice asks for the whole of F1.
    assert _lines(_run(_days(24))) == {"F1": "10000.00", "F2": "1200.00"}


def test_it_blocks_again_on_reopening(collector, ledger):
    customer, partly, _whole = ledger
    dispute = open_dispute(collector, customer=customer, lines=[(partly, "2500.00")])
    dispute = dispute_resolve(
        actor=collector, dispute=dispute, outcome=Outcome.WITHDRAWN, founded=False
    )
    dispute_reopen(actor=collector, dispute=dispute, comment="Le client conteste à nouveau")
    active = Block.objects.filter(released_at__isnull=True)
    assert [(b.invoice_id, b.blocked_amount, b.ends_on) for b in active] == [
        (partly.pk, 2500, None)
    ]
    assert _lines(_run(_days(0)))["F1"] == "7500.00"
