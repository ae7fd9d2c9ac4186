"""The insights page reads every grouping of the statistics from one pass over the disputes
(``every_grouping_statistics``); its figures must be those of ``dispute_statistics`` run one
grouping at a time, on a varied set: every reason code, no code, no department, open and
resolved disputes over several months and days to resolve (some with a stored resolution date,
some written around the services), founded or not, targets met or missed, more
customers than the 50 largest kept, some with equal amounts."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from encaisse.disputes.models import Dispute, ReasonCode, RootCause
from encaisse.disputes.statistics import (
    GROUPS,
    StatsFilters,
    dispute_statistics,
    dispute_statistics_page,
)
from encaisse.disputes.statistics.exports import group_rows, grouping_rows
from encaisse.disputes.statistics.groups import every_grouping_statistics

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AS_OF = dt.date(2026, 6, 30)
LIMIT = 50


def _build(actor, rng: random.Random) -> None:
    codes = [*ReasonCode.objects.values_list("code", flat=True), None]
    causes = list(RootCause.objects.all())
    customers = [make_customer(f"C{i:03d}", f"Client {i % 7}") for i in range(56)]
    for index in range(90):
        customer = customers[index % len(customers)]
        amount = rng.choice(["100.00", "250.50", "1200.00", f"{rng.randint(1, 90000) / 100:.2f}"])
        invoice = make_invoice(customer, f"F{index}", "100000.00")
        dispute = open_dispute(
            actor, customer=customer, lines=[(invoice, amount)], reason=rng.choice(codes)
        )
        raised_on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 170))
        fields = {"raised_on": raised_on, "target_date": rng.choice([None, raised_on])}
        if fields["target_date"] is not None:
            fields["target_date"] += dt.timedelta(days=rng.randint(0, 25))
        if rng.random() < 0.2:
            fields["department"] = None
        days = rng.choice([None, 0, 1, 2, 3, 5, 8, 13, 21, 40])
        if days is not None and raised_on + dt.timedelta(days=days) <= AS_OF:
            local = dt.datetime.combine(raised_on + dt.timedelta(days=days), dt.time(0, 30))
            founded = rng.random() < 0.6
            fields.update(
                status="resolved",
                outcome="commercial_gesture" if founded else "rejected",
                founded=founded,
                root_cause=rng.choice(causes),
                resolved_at=local.replace(tzinfo=PARIS),
            )
            if rng.random() < 0.5:  # as the services store it
                fields.update(resolved_on=local.date(), resolution_days=days)
        Dispute.objects.filter(pk=dispute.pk).update(**fields)


@pytest.mark.parametrize(
    "filters",
    [
        StatsFilters(as_of=AS_OF),
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2026, 3, 1), department="billing"),
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2030, 1, 1)),  # nothing
    ],
    ids=["everything", "billing-since-march", "nothing"],
)
def test_one_pass_gives_the_figures_of_each_grouping(collector, filters):
    _build(collector, random.Random(7))
    total, groups = every_grouping_statistics(user=collector, filters=filters, limit=LIMIT)
    assert list(groups) == list(GROUPS)
    for group_by in GROUPS:
        limit = LIMIT if group_by == "customer" else None
        stats = dispute_statistics(user=collector, group_by=group_by, filters=filters, limit=limit)
        assert groups[group_by] == stats.rows, group_by
        assert total == stats.total, group_by
    if filters.raised_from is None:
        assert len(groups["customer"]) == LIMIT + 1
        assert len(groups["month"]) == 6 and len(groups["reason_code"]) == 13


def test_a_page_of_groups_and_the_customer_export_give_the_same_figures(collector):
    """Pages and the customers' export rank the groups in SQL, percentiles included."""
    _build(collector, random.Random(11))
    filters = StatsFilters(as_of=AS_OF)
    for group_by in GROUPS:
        every = dispute_statistics(user=collector, group_by=group_by, filters=filters)
        page = dispute_statistics_page(
            user=collector, group_by=group_by, filters=filters, limit=1000
        )
        assert (page.rows, page.count, page.total) == (every.rows, len(every.rows), every.total)
        second = dispute_statistics_page(
            user=collector, group_by=group_by, filters=filters, limit=3, offset=3
        )
        assert second.rows == every.rows[3:6], group_by
    customers = dispute_statistics(user=collector, group_by="customer", filters=filters)
    exported = list(grouping_rows(user=collector, group_by="customer", filters=filters))
    expected = list(group_rows(customers.rows, customers.total))
    assert len(exported) == 57 and exported[-1] == expected[-1]  # 56 customers, the total
    assert sorted(exported[:-1], key=str) == sorted(expected[:-1], key=str)
    amounts = [row[2] for row in exported[:-1]]
    assert amounts == sorted(amounts, reverse=True)  # largest first


@pytest.mark.parametrize(
    "filters",
    [
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2026, 3, 1)),
        StatsFilters(as_of=AS_OF, department="billing"),
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2030, 1, 1)),  # nothing
    ],
    ids=["since-march", "billing", "nothing"],
)
def test_the_pages_of_customers_are_slices_of_every_customer(collector, filters):
    """A page of customers ranks them on amount alone and finds the percentiles of its own
    customers only: the same figures, labels and count as every customer at once."""
    _build(collector, random.Random(13))
    every = dispute_statistics(user=collector, group_by="customer", filters=filters)
    pages, offset = [], 0
    while True:
        page = dispute_statistics_page(
            user=collector, group_by="customer", filters=filters, limit=7, offset=offset
        )
        assert page.total == every.total
        assert page.count == len(every.rows)
        if not page.rows:
            break
        pages.extend(page.rows)
        offset += 7
    # Equal amounts are ranked by customer id across pages and listed by label within one
    # (as the full list is): compare the rows by customer, and the order by amount.
    assert len(pages) == len(every.rows)
    assert {row.key: row for row in pages} == {row.key: row for row in every.rows}
    assert [row.amount for row in pages] == [row.amount for row in every.rows]
    largest = dispute_statistics(user=collector, group_by="customer", filters=filters, limit=5)
    assert [row.amount for row in largest.rows] == [row.amount for row in every.rows[:6]]
    assert set(largest.rows) <= set(every.rows)  # the 5 largest and one more
