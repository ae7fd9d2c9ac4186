"""``/api/v1/insights/...``: the insights figures as JSON (VIEW_LEDGER, read-only tokens too).

Every endpoint takes ``as_of`` (default today), ``segment`` (a segment code) and ``collector``
(a username) to narrow the figures. Amounts, days and percentages are strings (exact decimals);
a figure without meaning (no revenue in the period, nothing settled) is null."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema
from pydantic import WithJsonSchema

from encaisse.accounts.capabilities import VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import error_responses, invalid_field
from encaisse.customers.models import Segment

from .forecast import cash_forecast
from .queries import Scope
from .selectors import dso_by, dso_series, kpis

router = Router(tags=["insights"])
ERRORS = error_responses(401, 403, 422)

DecimalOut = Annotated[
    Decimal,
    WithJsonSchema(
        {"type": "string", "format": "decimal", "examples": ["1200.50"]}, mode="serialization"
    ),
]


class ScopeIn(Schema):
    as_of: dt.date | None = Field(None, description="The figures on this date (default today).")
    segment: str | None = Field(None, description="Only the customers of this segment (code).")
    collector: str | None = Field(None, description="Only this collector's customers (username).")


def _scope(filters: ScopeIn) -> Scope:
    segment_id = collector_id = None
    if filters.segment:
        segment_id = Segment.objects.filter(code=filters.segment).values_list("pk", flat=True)
        segment_id = segment_id.first()
        if segment_id is None:
            raise invalid_field("query.segment", "No segment with this code.")
    if filters.collector:
        users = get_user_model().objects.filter(username=filters.collector)
        collector_id = users.values_list("pk", flat=True).first()
        if collector_id is None:
            raise invalid_field("query.collector", "No user with this username.")
    return Scope(segment_id=segment_id, collector_id=collector_id)


class KpisOut(Schema):
    as_of: dt.date
    receivables: DecimalOut = Field(
        description="Open invoices and credit notes less unallocated cash."
    )
    overdue: DecimalOut
    overdue_share: DecimalOut | None = Field(description="Overdue / receivables, in %.")
    disputed: DecimalOut = Field(description="Disputed amounts of active disputes.")
    disputed_share_of_overdue: DecimalOut | None = Field(description="Disputed / overdue, in %.")
    dso_ratio: DecimalOut | None = Field(
        description="Receivables / revenue of the last ratio_months months x their days."
    )
    dso_countback: DecimalOut | None = Field(
        description="Days of revenue, newest month first, that the receivables exhaust."
    )
    dso_countback_complete: bool = Field(
        description="False when the revenue history ran out first: dso_countback is a floor."
    )
    average_days_late: DecimalOut | None = Field(
        description="Amount-weighted days late of the invoices settled in the last 365 days."
    )
    days_basis: int = Field(description="365 (calendar days) or 360 (30-day months).")
    ratio_months: int


@router.get("/kpis", response={200: KpisOut, **ERRORS}, summary="Receivables KPIs")
def insights_kpis(request, filters: Query[ScopeIn]):
    """Receivables, overdue, disputed, DSO both ways and average days late."""
    require(request, VIEW_LEDGER)
    return kpis(as_of=filters.as_of, scope=_scope(filters)).as_json()


class DsoPointOut(Schema):
    day: dt.date = Field(description="The month's last day (the as-of date for the last point).")
    receivables: DecimalOut
    revenue: DecimalOut = Field(description="Revenue incl. tax of that month.")
    dso_ratio: DecimalOut | None
    dso_countback: DecimalOut | None


@router.get(
    "/dso", response={200: list[DsoPointOut], **ERRORS}, summary="DSO month by month, both ways"
)
def insights_dso(request, filters: Query[ScopeIn], months: int = Query(12, ge=1, le=36)):
    """DSO at the end of each of the last ``months`` months, oldest first."""
    require(request, VIEW_LEDGER)
    points = dso_series(as_of=filters.as_of, scope=_scope(filters), months=months)
    return [
        {
            "day": p.day,
            "receivables": p.receivables,
            "revenue": p.revenue,
            "dso_ratio": p.dso.ratio,
            "dso_countback": p.dso.countback,
        }
        for p in points
    ]


class DsoGroupOut(Schema):
    id: int | None
    label: str
    receivables: DecimalOut
    dso_ratio: DecimalOut | None
    dso_countback: DecimalOut | None
    average_days_late: DecimalOut | None


@router.get(
    "/dso/by/{group}",
    response={200: list[DsoGroupOut], **ERRORS},
    summary="DSO per customer, segment or collector",
)
def insights_dso_by(
    request,
    group: Literal["customer", "segment", "collector"],
    filters: Query[ScopeIn],
    limit: int = Query(50, ge=1, le=500),
):
    """Largest receivables first."""
    require(request, VIEW_LEDGER)
    rows = dso_by(group=group, as_of=filters.as_of, scope=_scope(filters), limit=limit)
    return [
        {
            "id": r.key,
            "label": r.label,
            "receivables": r.receivables,
            "dso_ratio": r.dso.ratio,
            "dso_countback": r.dso.countback,
            "average_days_late": r.average_days_late,
        }
        for r in rows
    ]


class WeekOut(Schema):
    start: dt.date
    end: dt.date
    amount: DecimalOut
    promised: DecimalOut = Field(description="The part expected from promises to pay.")


class ForecastOut(Schema):
    as_of: dt.date
    weeks: list[WeekOut]
    late: DecimalOut = Field(description="Expected before as_of (beyond usual delay), unpaid.")
    later: DecimalOut = Field(description="Expected after the last week.")
    disputed: DecimalOut = Field(description="Disputed amounts, not forecast.")


@router.get("/forecast", response={200: ForecastOut, **ERRORS}, summary="Cash forecast, 13 weeks")
def insights_forecast(request, filters: Query[ScopeIn]):
    """Receipts expected per week from due dates, promises to pay and each customer's delay."""
    require(request, VIEW_LEDGER)
    return cash_forecast(as_of=filters.as_of, scope=_scope(filters))
