"""Statistics against a fixture worked out by hand (stats_fixture.py). Days to resolve:
A1 2, 4, 10, 20 (and one open), B1 3, 6. Continuous percentiles (linear interpolation between
ranks, as PostgreSQL's percentile_cont): A1 median (4 + 10) / 2 = 7, p90 at rank 0.9 x 3 = 2.7
so 10 + 0.7 x 10 = 17; all six: median 5, p90 at rank 4.5 so 10 + 0.5 x 10 = 15. The same test
runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from encaisse.disputes.models import Dispute
from encaisse.disputes.models_preventive import ActionStatus
from encaisse.disputes.services import dispute_reopen, dispute_resolve
from encaisse.disputes.services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
)
from encaisse.disputes.statistics import (
    StatsFilters,
    dispute_statistics,
    root_cause_pareto,
    root_cause_trend,
)

from . import stats_fixture
from .factories import cause, open_dispute

pytestmark = pytest.mark.django_db

AS_OF = StatsFilters(as_of=stats_fixture.AS_OF)


def _figures(row):
    return (
        row.count,
        row.amount,
        row.resolved,
        row.median_days,
        row.p90_days,
        row.within_deadline,
        row.founded,
        row.cash_days,
    )


def test_it_computes_the_totals_by_hand(collector):
    stats_fixture.build(collector)
    total = dispute_statistics(user=collector, group_by=None, filters=AS_OF).total
    # 100 x 2 + 200 x 4 + 350 x 10 + 400 x 20 + 950 x 30 (open since 2 March) + 50 x 3 + 150 x 6
    assert _figures(total) == (
        7,
        Decimal("2200.00"),
        6,
        5.0,
        15.0,
        0.8333,
        0.6667,
        Decimal("42050.00"),
    )


def test_it_groups_by_reason_code_department_and_category(collector):
    stats_fixture.build(collector)
    a1 = (5, Decimal("2000.00"), 4, 7.0, 17.0, 0.75, 0.5, Decimal("41000.00"))
    b1 = (2, Decimal("200.00"), 2, 4.5, 5.7, 1.0, 1.0, Decimal("1050.00"))
    for group_by, labels in (
        ("reason_code", ["A1 Erreur de prix ou de remise", "B1 Erreur de livraison"]),
        ("department", ["Facturation", "Logistique"]),
        ("category", ["Facturation", "Logistique"]),
    ):
        rows = dispute_statistics(user=collector, group_by=group_by, filters=AS_OF).rows
        assert [r.label for r in rows] == labels, group_by
        assert [_figures(r) for r in rows] == [a1, b1], group_by


def test_it_groups_by_root_cause_customer_and_month(collector):
    stats_fixture.build(collector)
    causes = dispute_statistics(user=collector, group_by="root_cause", filters=AS_OF).rows
    assert [(r.label, r.count, r.amount) for r in causes] == [
        ("(aucune)", 1, Decimal("950.00")),
        ("Erreur ou malentendu du client", 1, Decimal("400.00")),
        ("Tarif ou remise mal paramétré", 1, Decimal("350.00")),
        ("Erreur de facturation", 2, Decimal("300.00")),
        ("Erreur de préparation", 2, Decimal("200.00")),
    ]
    billing = causes[3]
    assert (billing.median_days, billing.p90_days) == (3.0, 3.8)
    customers = dispute_statistics(user=collector, group_by="customer", filters=AS_OF).rows
    assert [(r.label, r.count) for r in customers] == [
        ("Dupont SA (C1)", 5),
        ("Martin SARL (C2)", 2),
    ]
    months = dispute_statistics(user=collector, group_by="month", filters=AS_OF).rows
    assert [(r.key, r.count, r.median_days) for r in months] == [("2026-03", 7, 5.0)]


def test_it_filters_by_period_segment_and_department(collector):
    stats_fixture.build(collector)

    def count(**criteria):
        filters = StatsFilters(as_of=stats_fixture.AS_OF, **criteria)
        return dispute_statistics(user=collector, group_by=None, filters=filters).total.count

    assert count(raised_to=dt.date(2026, 3, 5)) == 5
    assert count(raised_from=dt.date(2026, 3, 10)) == 2
    assert count(segment="public") == 2
    assert count(department="logistics") == 2
    assert count(department="logistics", segment="sme") == 0


def test_a_department_member_counts_only_their_department(collector, department_member):
    stats_fixture.build(collector)
    stats = dispute_statistics(user=department_member, group_by="department", filters=AS_OF)
    assert stats.total.count == 5
    assert [r.label for r in stats.rows] == ["Facturation"]


def test_it_ranks_root_causes_in_a_pareto_by_amount_and_by_count(collector):
    stats_fixture.build(collector)
    by_amount = root_cause_pareto(user=collector, filters=AS_OF, by="amount")
    assert [(r.rank, r.label, r.value, r.share, r.cumulative_share) for r in by_amount] == [
        (1, "Erreur ou malentendu du client", Decimal("400.00"), 0.32, 0.32),
        (2, "Tarif ou remise mal paramétré", Decimal("350.00"), 0.28, 0.6),
        (3, "Erreur de facturation", Decimal("300.00"), 0.24, 0.84),
        (4, "Erreur de préparation", Decimal("200.00"), 0.16, 1.0),
    ]
    by_count = root_cause_pareto(user=collector, filters=AS_OF, by="count")
    assert [(r.label, r.value, r.cumulative_share) for r in by_count] == [
        ("Erreur de facturation", 2, 0.3333),
        ("Erreur de préparation", 2, 0.6667),
        ("Erreur ou malentendu du client", 1, 0.8333),
        ("Tarif ou remise mal paramétré", 1, 1.0),
    ]


def test_it_counts_disputes_before_and_after_a_done_preventive_action(collector):
    stats_fixture.build(collector)
    action = preventive_action_create(
        actor=collector,
        root_cause=cause("billing-error"),
        description="Contrôle des remises à la saisie",
        due_on=dt.date(2026, 3, 20),
    )
    assert root_cause_trend(user=collector, filters=AS_OF) == []  # not done yet
    preventive_action_set_status(
        actor=collector, action=action, status=ActionStatus.DONE, done_on=dt.date(2026, 3, 3)
    )
    filters = StatsFilters(as_of=stats_fixture.AS_OF, raised_from=dt.date(2026, 3, 1))
    [row] = root_cause_trend(user=collector, filters=filters)
    assert (row.label, row.action_done_on, row.before, row.after) == (
        "Erreur de facturation",
        dt.date(2026, 3, 3),
        2,
        0,
    )
    # 2 disputes over the 2 days before, none over the 30 days from 3 March to 1 April.
    assert (row.before_per_30_days, row.after_per_30_days) == (30.0, 0.0)


def test_it_answers_zeros_when_nothing_matches(collector):
    stats = dispute_statistics(user=collector, group_by="category", filters=AS_OF)
    assert stats.rows == [] and stats.total.count == 0 and stats.total.median_days is None


def test_it_keeps_the_largest_groups_with_their_percentiles_and_the_whole_total(collector):
    stats_fixture.build(collector)
    stats = dispute_statistics(user=collector, group_by="customer", filters=AS_OF, limit=1)
    # The largest customer, and one more to tell the page there are more.
    assert [(r.label, r.median_days, r.p90_days) for r in stats.rows] == [
        ("Dupont SA (C1)", 7.0, 17.0),
        ("Martin SARL (C2)", 4.5, 5.7),
    ]
    assert (stats.total.count, stats.total.median_days) == (7, 5.0)


def test_it_reads_the_same_figures_from_the_resolution_dates_the_services_store(collector):
    """The fixture writes ``resolved_at`` around the services (the statistics then convert it
    per row); once the stored local dates are there, every figure stays the same."""
    stats_fixture.build(collector)
    groupings = [None, "category", "reason_code", "customer", "month", "root_cause"]

    def everything():
        result = []
        for group_by in groupings:
            stats = dispute_statistics(user=collector, group_by=group_by, filters=AS_OF)
            result.append([_figures(stats.total), *(_figures(r) for r in stats.rows)])
        return result

    converted = everything()
    resolved = list(Dispute.objects.filter(resolved_at__isnull=False))
    for dispute in resolved:
        dispute.resolution_set(dispute.resolved_at)
        dispute.save(update_fields=["resolved_on", "resolution_days"])
    # The one resolved at 00:30 in Paris (23:30 UTC the day before) keeps its Paris date.
    assert sorted(d.resolution_days for d in resolved) == [2, 3, 4, 6, 10, 20]
    assert everything() == converted


def test_it_stores_the_resolution_date_on_resolving_and_clears_it_on_reopening(collector):
    dispute = open_dispute(collector)
    dispute = dispute_resolve(
        actor=collector,
        dispute=dispute,
        outcome="commercial_gesture",
        founded=True,
        root_cause=cause("billing-error"),
    )
    stored = Dispute.objects.get(pk=dispute.pk)
    assert stored.resolved_on == timezone.localdate(stored.resolved_at)
    assert stored.resolution_days == (stored.resolved_on - stored.raised_on).days
    dispute_reopen(actor=collector, dispute=stored, comment="Wrong credit note")
    stored.refresh_from_db()
    assert (stored.resolved_at, stored.resolved_on, stored.resolution_days) == (None, None, None)
