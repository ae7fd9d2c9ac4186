import datetime as dt

import pytest

from encaisse.demo.dunning import HISTORY_DAYS, dunning_digest
from encaisse.demo.generator import demo_load
from encaisse.dunning.choices import ActionSource, ActionStatus, PromiseStatus
from encaisse.dunning.models import Action, PromiseToPay, Run, SegmentScenario

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


def test_the_demo_history_is_the_same_for_the_same_seed():
    demo_load(customers=25, seed=42, as_of=AS_OF)
    first = dunning_digest()
    demo_load(customers=25, seed=42, as_of=AS_OF, reset=True)
    assert dunning_digest() == first
    assert Run.objects.count() == HISTORY_DAYS + 1  # the reset replaced the runs
