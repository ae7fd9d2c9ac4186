"""The insights disputes page reads the open disputes and the resolutions per month of the
period's disputes in the statistics' one pass, and those raised before the period apart; the
figures must be those of the reads over every dispute (``open_on``, ``monthly_flow`` without
``resolved``), on the varied set of the statistics' one-pass test: disputes raised from January
to June 2026, open or resolved after 0 to 40 days, some written around the services."""

import datetime as dt
import random

import pytest

from encaisse.disputes.statistics import StatsFilters
from encaisse.disputes.tests.test_statistics_one_pass import AS_OF, _build
from encaisse.insights.disputes import (
    disputes_overview,
    monthly_flow,
    open_on,
    resolved_by_month,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filters",
    [
        # raised before the period, resolved or still open in it
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2026, 3, 1), raised_to=AS_OF),
        StatsFilters(
            as_of=AS_OF, raised_from=dt.date(2026, 4, 15), raised_to=AS_OF, department="billing"
        ),
        # a period ending before the as-of date: read over every dispute
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2026, 2, 1), raised_to=dt.date(2026, 5, 31)),
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2025, 7, 1), raised_to=AS_OF),
        StatsFilters(as_of=AS_OF, raised_from=dt.date(2030, 1, 1), raised_to=dt.date(2030, 2, 1)),
    ],
    ids=["since-march", "billing-since-april", "ends-before-as-of", "whole-year", "after-as-of"],
)
def test_open_disputes_and_flow_from_the_one_pass_match_the_reads_of_every_dispute(
    collector, filters
):
    _build(collector, random.Random(5))
    overview = disputes_overview(user=collector, filters=filters)
    assert overview.open == open_on(user=collector, filters=filters)
    expected = monthly_flow(
        user=collector, filters=filters, raised_by_month=overview.groups["month"]
    )
    assert overview.flow == expected
    if filters.raised_from == dt.date(2026, 3, 1):
        # the set has disputes raised before March still open, and resolved since March
        before = filters.raised_from
        assert open_on(user=collector, filters=filters, raised_before=before).count > 0
        assert resolved_by_month(user=collector, filters=filters, raised_before=before)
