"""The collectors' activity from the monthly snapshot of the done actions: the same figures as
the live computation, on the hand-worked ledger of ``test_collectors`` (April to June 2026,
with a formal notice at 00:30 on 1 July in Paris) plus actions done this month."""

import datetime as dt

import pytest
from django.utils import timezone

from encaisse.core.dates import today
from encaisse.dunning.choices import ActionStatus, Channel
from encaisse.dunning.models import Action
from encaisse.dunning.tests.worklist_factories import make_action
from encaisse.insights.collectors import collector_activity
from encaisse.insights.models import SnapshotActivity
from encaisse.insights.queries import Scope
from encaisse.insights.snapshots import fresh_state, snapshots_build

from .test_collectors import AS_OF, START, _done, _figures, build

pytestmark = pytest.mark.django_db


def _activity(scopes, periods):
    return [
        [(r.user_id, r.name, _figures(r)) for r in collector_activity(start=s, end=e, scope=scope)]
        for scope in scopes
        for s, e in periods
    ]


def test_it_gives_the_live_collectors_activity_from_the_snapshot(collector, credit_manager):
    ledger = build(collector, credit_manager)
    dupont, invoice = ledger["dupont"], ledger["dupont"].invoices.filter(amount__gt=0).first()
    now = timezone.localtime()
    _done(dupont, invoice, Channel.CALL, now, by=collector, outcome="reached")
    scopes = [
        Scope(),
        Scope(segment_id=ledger["martin"].segment_id),
        Scope(collector_id=collector.pk),
    ]
    periods = [
        (START, AS_OF),  # closed months only
        (dt.date(2026, 4, 15), dt.date(2026, 7, 1)),  # starts and ends within a month
        (START, today()),  # the current month too
    ]
    live = _activity(scopes, periods)
    assert any(row for rows in live for row in rows)
    snapshots_build()
    assert fresh_state() is not None
    assert SnapshotActivity.objects.filter(month=dt.date(2026, 5, 1)).exists()
    assert _activity(scopes, periods) == live


def test_it_reads_closed_months_from_the_snapshot_and_counts_this_month_live(collector):
    ledger = build(collector, collector)
    dupont, invoice = ledger["dupont"], ledger["dupont"].invoices.filter(amount__gt=0).first()
    snapshots_build()
    SnapshotActivity.objects.filter(month=dt.date(2026, 5, 1)).update(calls=0)
    rows = collector_activity(start=START, end=AS_OF)
    assert rows[0].calls == 0  # the snapshot's count: live, 3 calls on 10 May
    # An email sent this month (the correspondence marks it done without a new action):
    # counted at once, live.
    email = make_action(dupont, [invoice], channel=Channel.EMAIL, assigned_to=collector)
    snapshots_build()
    Action.objects.filter(pk=email.pk).update(status=ActionStatus.DONE, done_at=timezone.now())
    assert fresh_state() is not None
    rows = collector_activity(start=today().replace(day=1), end=today())
    assert [(r.user_id, r.emails) for r in rows] == [(collector.pk, 1)]
