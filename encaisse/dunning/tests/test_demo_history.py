import datetime as dt

import pytest
from django.db.models import F

from encaisse.demo.dunning import HISTORY_DAYS, dunning_digest
from encaisse.demo.generator import demo_load
from encaisse.dunning.choices import ActionSource, ActionStatus, CallOutcome, PromiseStatus
from encaisse.dunning.models import Action, ActionInvoice, PromiseToPay, Run, SegmentScenario
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.models import Invoice

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 16)


def test_the_demo_has_a_dunning_history():
    demo_load(customers=40, seed=5, as_of=AS_OF)
    runs = Run.objects.filter(dry_run=False)
    assert runs.count() == HISTORY_DAYS + 1
    assert runs.order_by("as_of").last().as_of == AS_OF
    assert SegmentScenario.objects.filter(segment__code="key-accounts").exists()
    actions = Action.objects.all()
    assert actions.filter(channel="call", status=ActionStatus.DONE).exclude(notes="").exists()
    assert actions.filter(channel="email").exists() and actions.filter(channel="letter").exists()
    assert actions.filter(status=ActionStatus.PLANNED, due_on__gte=AS_OF - dt.timedelta(1)).exists()
    assert PromiseToPay.objects.filter(status=PromiseStatus.KEPT).exists()
    broken = PromiseToPay.objects.filter(status=PromiseStatus.BROKEN)
    assert broken.exists()
    assert actions.filter(source=ActionSource.BROKEN_PROMISE).count() == broken.count()
    calls = actions.filter(channel="call", status=ActionStatus.DONE)
    assert calls.filter(outcome=CallOutcome.NOT_REACHED).exists()
    assert calls.filter(outcome=CallOutcome.REACHED).exists()
    assert not calls.filter(outcome="").exists()


def test_the_demo_replay_duns_invoices_paid_since_and_leaves_the_ledger_as_it_was():
    demo_load(customers=40, seed=5, as_of=AS_OF)
    # Invoices paid during the replayed weeks were open on the runs before their payment, so
    # some reminders were followed by a payment (what the effectiveness figures measure) ...
    paid_after = ActionInvoice.objects.filter(
        action__status=ActionStatus.DONE,
        invoice__status=InvoiceStatus.SETTLED,
        invoice__settled_on__gte=F("action__due_on"),
    )
    assert paid_after.exists()
    # ... and none was dunned after its payment day.
    assert not ActionInvoice.objects.filter(invoice__settled_on__lt=F("action__due_on")).exists()
    # Every invoice is back as the ledger has it: settled ones have nothing open.
    assert not Invoice.objects.filter(status=InvoiceStatus.OPEN, settled_on__isnull=False).exists()
    assert not Invoice.objects.filter(status=InvoiceStatus.SETTLED).exclude(open_amount=0).exists()


def test_the_demo_history_is_the_same_for_the_same_seed():
    demo_load(customers=25, seed=42, as_of=AS_OF)
    first = dunning_digest()
    demo_load(customers=25, seed=42, as_of=AS_OF, reset=True)
    assert dunning_digest() == first
    assert Run.objects.count() == HISTORY_DAYS + 1  # the reset replaced the runs
