"""The demo's disputes: every state, founded and unfounded, timelines, evidence, credit notes,
dunning blocked on the active ones; and the abuse score measured against the planted customers
(the figures for the default demo are in docs/benchmarks.md)."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from encaisse.demo.disputes import flagged_measure
from encaisse.demo.generator import demo_load
from encaisse.disputes.choices import ACTIVE_STATUSES, EventType, Outcome, Status
from encaisse.disputes.models import AbuseScore, Dispute, DisputeEvent, Evidence
from encaisse.disputes.services.evidence import evidence_path
from encaisse.dunning.choices import BlockKind
from encaisse.dunning.models import Block

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 30)

# The bar the flagged list must pass on a demo: every flagged customer is a planted one, and at
# least two thirds of the planted ones are found (10 seeds of the default demo: see the docs).
MIN_PRECISION = 1.0
MIN_RECALL = 2 / 3


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_load(customers=150, seed=2024, as_of=AS_OF)


def test_it_finds_the_planted_customers_without_flagging_honest_ones(demo):
    assert len(demo.planted_abusive) >= 3 and len(demo.honest_disputers) >= 5
    assert not set(demo.planted_abusive) & set(demo.honest_disputers)
    honest = Dispute.objects.filter(customer__code__in=demo.honest_disputers)
    assert honest.filter(founded=True).count() >= 3 * len(demo.honest_disputers) - 3

    measure = flagged_measure(demo.planted_abusive)
    assert measure.precision >= MIN_PRECISION
    assert measure.recall >= MIN_RECALL
    flagged_honest = AbuseScore.objects.filter(
        flagged=True, customer__code__in=demo.honest_disputers
    )
    assert not flagged_honest.exists()


def test_it_gives_realistic_disputes_with_timelines_evidence_and_blocks(demo):
    disputes = Dispute.objects.all()
    assert demo.disputes == disputes.count() > 40
    assert set(disputes.values_list("status", flat=True)) >= {
        Status.QUALIFIED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.RESOLVED,
        Status.CLOSED,
    }
    assert disputes.filter(founded=True).exists() and disputes.filter(founded=False).exists()
    codes = set(disputes.values_list("reason_code__code", flat=True))
    assert {"A1", "B2", "F3"} <= codes
    credit_notes = disputes.filter(outcome=Outcome.CREDIT_NOTE)
    assert credit_notes.exists()
    assert not credit_notes.filter(credit_note_number="").exists()

    for dispute in Dispute.objects.filter(status=Status.CLOSED)[:20]:
        statuses = list(
            dispute.events.filter(type=EventType.TRANSITION).values_list("to_status", flat=True)
        )
        assert statuses[-2:] == [Status.RESOLVED, Status.CLOSED]
        assert dispute.events.filter(type=EventType.OPENED).count() == 1
    assert DisputeEvent.objects.filter(type=EventType.EVIDENCE).count() == Evidence.objects.count()
    evidence = Evidence.objects.first()
    assert evidence is not None and default_storage.exists(evidence_path(evidence))
    assert evidence.uploaded_at.date() >= evidence.dispute.raised_on

    active = Dispute.objects.filter(status__in=ACTIVE_STATUSES)
    assert active.exists()
    blocks = Block.objects.filter(kind=BlockKind.DISPUTE, released_at__isnull=True)
    assert blocks.count() == active.count()


def test_the_demo_has_preventive_actions_and_one_done_to_compare_before_and_since(demo):
    from django.contrib.auth import get_user_model

    from encaisse.disputes.models_preventive import ActionStatus, PreventiveAction
    from encaisse.disputes.statistics.filters import StatsFilters
    from encaisse.disputes.statistics.trend import root_cause_trend

    actions = PreventiveAction.objects.order_by("pk")
    assert [a.status for a in actions] == [
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.OPEN,
    ]
    done = actions[0]
    assert done.done_on == AS_OF - dt.timedelta(days=120)
    assert done.events.count() == 3  # created, in progress, done
    assert actions[2].due_on < AS_OF  # late: shown in red on the list
    manager = get_user_model().objects.get(username="manager")
    trend = root_cause_trend(user=manager, filters=StatsFilters(as_of=AS_OF))
    assert [(row.key, row.action_done_on) for row in trend] == [(done.root_cause_id, done.done_on)]
    assert trend[0].before > 0 and trend[0].after_days == 121  # both ends
