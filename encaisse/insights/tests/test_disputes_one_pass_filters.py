"""The insights disputes page's one statement (``every_grouping_with_flow``: the groupings, the
largest customers, the open disputes and the resolutions per month) under every filter of the
page: its figures must be those of ``dispute_statistics`` run one grouping at a time and of the
reads over every dispute, on the varied set of the statistics' one-pass test, with the
customers spread over two segments and two collectors. On SQLite the small keys are grouped
by one packed integer; the same figures come without the packing."""

import datetime as dt
import random

import pytest

from encaisse.customers.models import Customer, Segment
from encaisse.disputes.statistics import GROUPS, StatsFilters, dispute_statistics
from encaisse.disputes.statistics import groups as statistics_groups
from encaisse.disputes.tests.test_statistics_one_pass import AS_OF, LIMIT, _build
from encaisse.insights.disputes import disputes_overview, monthly_flow, open_on

pytestmark = pytest.mark.django_db


def _spread(collector, django_user_model) -> None:
    """Two segments and two collectors over the customers, by turns."""
    other = django_user_model.objects.create_user(username="olga", role=collector.role)
    segments = [
        Segment.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("key", "sme")
    ]
    for index, customer in enumerate(Customer.objects.order_by("code")):
        customer.segment = segments[index % 2]
        customer.collector = collector if index % 3 else other
        customer.save(update_fields=["segment", "collector"])


def _filters(collector) -> dict:
    march = dt.date(2026, 3, 1)
    return {
        "segment": StatsFilters(as_of=AS_OF, raised_from=march, raised_to=AS_OF, segment="key"),
        "collector": StatsFilters(
            as_of=AS_OF, raised_from=march, raised_to=AS_OF, collector_id=collector.pk
        ),
        "segment-collector-department": StatsFilters(
            as_of=AS_OF,
            raised_from=dt.date(2026, 1, 1),
            raised_to=AS_OF,
            segment="sme",
            collector_id=collector.pk,
            department="billing",
        ),
        "period-ending-before-as-of": StatsFilters(
            as_of=AS_OF, raised_from=dt.date(2026, 2, 1), raised_to=dt.date(2026, 4, 30)
        ),
        "one-month": StatsFilters(
            as_of=AS_OF, raised_from=dt.date(2026, 6, 1), raised_to=AS_OF, segment="sme"
        ),
    }


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "keys"])
@pytest.mark.parametrize(
    "name",
    [
        "segment",
        "collector",
        "segment-collector-department",
        "period-ending-before-as-of",
        "one-month",
    ],
)
def test_the_page_figures_match_each_grouping_under_every_filter(
    collector, django_user_model, monkeypatch, name, packed
):
    _build(collector, random.Random(13))
    _spread(collector, django_user_model)
    filters = _filters(collector)[name]
    if not packed:
        monkeypatch.setattr(statistics_groups, "_pack", lambda connection: {})
    overview = disputes_overview(user=collector, filters=filters)
    assert overview.total.count > 0
    for group_by in GROUPS:
        limit = LIMIT if group_by == "customer" else None
        stats = dispute_statistics(user=collector, group_by=group_by, filters=filters, limit=limit)
        assert overview.groups[group_by] == stats.rows, group_by
        assert overview.total == stats.total, group_by
    assert overview.open == open_on(user=collector, filters=filters)
    expected = monthly_flow(
        user=collector, filters=filters, raised_by_month=overview.groups["month"]
    )
    assert overview.flow == expected


def test_a_department_member_gets_the_figures_of_their_department(
    collector, department_member, django_user_model
):
    _build(collector, random.Random(17))
    _spread(collector, django_user_model)
    filters = StatsFilters(as_of=AS_OF, raised_from=dt.date(2026, 2, 1), raised_to=AS_OF)
    overview = disputes_overview(user=department_member, filters=filters)
    assert 0 < overview.total.count
    for group_by in GROUPS:
        limit = LIMIT if group_by == "customer" else None
        stats = dispute_statistics(
            user=department_member, group_by=group_by, filters=filters, limit=limit
        )
        assert overview.groups[group_by] == stats.rows, group_by
    assert [row.label for row in overview.groups["department"]] == ["Facturation"]


def test_without_room_for_the_packed_keys_the_keys_are_grouped_themselves(monkeypatch):
    """Ids too large for 63 bits once multiplied: no packing (the keys are grouped)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        assert statistics_groups._pack(connection) == {}
        return
    assert "s_pack" in statistics_groups._pack(connection)
    monkeypatch.setattr(statistics_groups, "PACK_BITS", 10)
    assert statistics_groups._pack(connection) == {}
