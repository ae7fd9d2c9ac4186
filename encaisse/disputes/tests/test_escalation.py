"""The daily escalation: owner when at risk, head of department when late, credit managers when
late by five business days; each level once, recorded as an event and a notification."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from encaisse.accounts.models import Department
from encaisse.cli import translate
from encaisse.disputes.choices import EventType, Outcome
from encaisse.disputes.models import Notification
from encaisse.disputes.services import dispute_resolve, disputes_escalate

from .factories import open_dispute

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def dispute(collector, department_member, credit_manager, admin_user):
    billing = Department.objects.get(code="billing")
    billing.default_owner, billing.head = department_member, admin_user
    billing.save()
    # A1 raised Monday 2 March 2026: at risk from Thursday 12, target Monday 16 March.
    return open_dispute(collector, raised_on=D(2026, 3, 2))


def _notified(dispute):
    return sorted(
        (n.level, n.recipient.username) for n in Notification.objects.filter(dispute=dispute)
    )


def test_it_climbs_the_ladder_one_level_at_a_time(dispute):
    assert disputes_escalate(as_of=D(2026, 3, 11)) == {1: 0, 2: 0, 3: 0}
    assert disputes_escalate(as_of=D(2026, 3, 12)) == {1: 1, 2: 0, 3: 0}
    assert _notified(dispute) == [(1, "denis")]
    assert disputes_escalate(as_of=D(2026, 3, 16)) == {1: 0, 2: 0, 3: 0}
    assert disputes_escalate(as_of=D(2026, 3, 17)) == {1: 0, 2: 1, 3: 0}
    # Five business days late: Monday 23 March.
    assert disputes_escalate(as_of=D(2026, 3, 22)) == {1: 0, 2: 0, 3: 0}
    assert disputes_escalate(as_of=D(2026, 3, 23)) == {1: 0, 2: 0, 3: 1}
    assert _notified(dispute) == [(1, "denis"), (2, "alice"), (3, "claire")]
    levels = [e.data["level"] for e in dispute.events.filter(type=EventType.ESCALATED)]
    assert levels == [1, 2, 3]
    dispute.refresh_from_db()
    assert dispute.escalation_level == 3


def test_it_reaches_every_level_passed_at_once_and_only_once(dispute):
    assert disputes_escalate(as_of=D(2026, 6, 1)) == {1: 1, 2: 1, 3: 1}
    assert disputes_escalate(as_of=D(2026, 6, 2)) == {1: 0, 2: 0, 3: 0}
    assert len(_notified(dispute)) == 3


def test_it_leaves_resolved_and_unqualified_disputes_alone(dispute, collector):
    from .factories import cause

    dispute_resolve(
        actor=collector, dispute=dispute, outcome=Outcome.REPAIRED, founded=True, root_cause=cause()
    )
    assert disputes_escalate(as_of=D(2026, 6, 1)) == {1: 0, 2: 0, 3: 0}


def test_the_command_escalates_as_of_a_date(dispute):
    out = io.StringIO()
    call_command(*translate(["disputes", "escalate", "--as-of", "2026-03-17"]), stdout=out)
    assert _notified(dispute) == [(1, "denis"), (2, "alice")]
    assert "2026-03-17" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(*translate(["disputes", "escalate", "--as-of", "17/03/2026"]))


def test_it_is_scheduled_daily_and_escalates_as_of_today(dispute, monkeypatch):
    from django.utils.module_loading import import_string

    from encaisse.core.schedule import SCHEDULE

    jobs = {job.name: job for job in SCHEDULE}
    task = import_string(jobs["disputes-escalation"].task)
    monkeypatch.setattr("encaisse.disputes.tasks.today", lambda: D(2026, 3, 17))
    assert task.call() == 2
    assert _notified(dispute) == [(1, "denis"), (2, "alice")]
