"""Which disputes the statistics count: those the user may see (``disputes_visible_to``: a
department member, their department's), raised in a period, of a customer segment, routed to
a department."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from ..selectors import disputes_visible_to


@dataclass(frozen=True)
class StatsFilters:
    """The period is on the date the customer raised the dispute (both ends included).
    ``as_of`` ends the clock of disputes still open (days open, cash-days frozen)."""

    raised_from: dt.date | None = None
    raised_to: dt.date | None = None
    segment: str | None = None  # segment code
    department: str | None = None  # department code
    as_of: dt.date | None = None
    collector_id: int | None = None  # the customer's collector (the insights filter)


def disputes_for_statistics(*, user, filters: StatsFilters) -> QuerySet:
    disputes = disputes_visible_to(user)
    if filters.raised_from:
        disputes = disputes.filter(raised_on__gte=filters.raised_from)
    if filters.raised_to:
        disputes = disputes.filter(raised_on__lte=filters.raised_to)
    if filters.segment:
        disputes = disputes.filter(customer__segment__code=filters.segment)
    if filters.department:
        disputes = disputes.filter(department__code=filters.department)
    if filters.collector_id:
        disputes = disputes.filter(customer__collector_id=filters.collector_id)
    return disputes.order_by()
