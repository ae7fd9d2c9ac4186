"""What ``/insights/disputes/`` shows, as plain data: the charts (inline SVG through
``charts.py``) and the export tables, which reuse the statistics page's columns so a download
from either page reads the same."""

import datetime as dt
from decimal import Decimal

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.core.exports import INTEGER, MONEY, TEXT, Column
from encaisse.disputes.statistics import (
    GROUPS,
    StatsFilters,
    dispute_statistics,
    pareto,
    root_cause_trend,
)
from encaisse.disputes.statistics.exports import (
    GROUP_COLUMNS,
    PARETO_COLUMNS,
    group_rows,
    grouping_rows,
    pareto_rows,
)

from . import charts
from .charts import Series
from .disputes import DisputesOverview, MonthFlow, TopCause, monthly_flow, top_causes
from .tables import _amount, _days

FLOW_COLUMNS = [
    Column("month", TEXT, 10),
    Column("raised", INTEGER),
    Column("raised_amount", MONEY),
    Column("resolved", INTEGER),
    Column("resolved_amount", MONEY),
]
TOP_COLUMNS = [
    Column("rank", INTEGER, 8),
    Column("root_cause", TEXT, 36),
    Column("amount", MONEY),
    Column("disputes", INTEGER),
    Column("cash_days", MONEY, 16),
    Column("action_done_on", TEXT, 12),
    Column("disputes_before", INTEGER),
    Column("disputes_after", INTEGER),
    Column("before_per_30_days", TEXT),
    Column("after_per_30_days", TEXT),
    Column("change", TEXT),
]
# table slug -> title; the groupings keep the statistics' names
TABLES = {
    **{key.replace("_", "-"): title for key, (_field, title) in GROUPS.items()},
    "pareto-amount": gettext_lazy("Root causes by disputed amount"),
    "pareto-count": gettext_lazy("Root causes by number of disputes"),
    "flow": gettext_lazy("Disputes raised and resolved per month"),
    "top-causes": gettext_lazy("Top causes and their preventive actions"),
}


def _count(value: Decimal) -> str:
    return f"{value:.0f}"


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return dateformat.format(dt.date(int(year), int(number), 1), "M y")


def export_table(table: str, *, user, filters: StatsFilters) -> tuple:
    """(title, columns, rows) of one table of the page, every row, running only the
    statistics that table needs. Shares are fractions (0.25 = 25 %), as the statistics
    page's exports."""
    title = str(TABLES[table])
    if table in ("flow", "month"):
        months = dispute_statistics(user=user, group_by="month", filters=filters)
        if table == "month":
            return title, GROUP_COLUMNS, list(group_rows(months.rows, months.total))
        flow = monthly_flow(user=user, filters=filters, raised_by_month=months.rows)
        rows = [(f.month, f.raised, f.raised_amount, f.resolved, f.resolved_amount) for f in flow]
        return title, FLOW_COLUMNS, rows
    if table in ("pareto-amount", "pareto-count", "top-causes"):
        causes = dispute_statistics(user=user, group_by="root_cause", filters=filters).rows
        if table == "pareto-count":
            return title, PARETO_COLUMNS, list(pareto_rows(pareto(causes, by="count")))
        ranked = pareto(causes, by="amount")
        if table == "pareto-amount":
            return title, PARETO_COLUMNS, list(pareto_rows(ranked))
        top = top_causes(ranked, root_cause_trend(user=user, filters=filters))
        return title, TOP_COLUMNS, [_top_row(cause) for cause in top]
    rows = grouping_rows(user=user, group_by=table.replace("-", "_"), filters=filters)
    return title, GROUP_COLUMNS, rows


def _top_row(cause: TopCause) -> tuple:
    trend = cause.trend
    return (
        cause.rank,
        cause.label,
        cause.amount,
        cause.count,
        cause.cash_days,
        trend.action_done_on.isoformat() if trend else None,
        trend.before if trend else None,
        trend.after if trend else None,
        trend.before_per_30_days if trend else None,
        trend.after_per_30_days if trend else None,
        cause.change,
    )


def flow_chart(flow: list[MonthFlow]):
    labels = [_month_label(f.month) for f in flow]
    return charts.bar_chart(
        chart_id="flow-chart",
        title=_("Disputes raised and resolved per month"),
        description=_(
            "Disputed amounts raised and resolved each month of the period, side by side; "
            "the numbers of disputes are in the table."
        ),
        labels=labels,
        series=[
            Series(_("Raised"), [f.raised_amount for f in flow]),
            Series(_("Disputes resolved"), [f.resolved_amount for f in flow]),
        ],
        x_label=_("Month"),
        y_label=_("Amount (€)"),
        formatter=_amount,
        stacked=False,
    )


def resolution_chart(departments: list):
    rows = [r for r in departments if r.median_days is not None]
    return charts.hbar_chart(
        chart_id="resolution-chart",
        title=_("Resolution time by department"),
        description=_(
            "Days from raising to resolution of the disputes resolved, median and 90th "
            "percentile, per department."
        ),
        labels=[r.label for r in rows],
        series=[
            Series(_("Median"), [Decimal(str(r.median_days)) for r in rows]),
            Series(_("90th percentile"), [Decimal(str(r.p90_days)) for r in rows]),
        ],
        x_label=_("Days"),
        formatter=_days,
    )


def cash_days_chart(causes: list):
    rows = sorted(causes, key=lambda r: -r.cash_days)
    return charts.hbar_chart(
        chart_id="cash-days-chart",
        title=_("Cash-days frozen per root cause"),
        description=_(
            "Disputed amount times days open, per root cause: the cost of non-quality in cash "
            "kept from the company. Open disputes have no root cause yet."
        ),
        labels=[r.label for r in rows],
        series=[Series(_("Cash-days frozen"), [r.cash_days for r in rows])],
        x_label=_("Euro-days"),
        formatter=_amount,
    )


def pareto_charts(overview: DisputesOverview) -> dict:
    result = {}
    for by, ranked in (("amount", overview.pareto_amount), ("count", overview.pareto_count)):
        result[by] = charts.pareto_chart(
            chart_id=f"pareto-{by}-chart",
            title=str(TABLES[f"pareto-{by}"]),
            description=_(
                "Root causes largest first, numbered as in the table, with the cumulative "
                "share as a line and the 80 % mark."
            ),
            labels=[r.label for r in ranked],
            values=[r.value for r in ranked],
            cumulative=[r.cumulative_share for r in ranked],
            name=_("Amount") if by == "amount" else _("Disputes"),
            y_label=_("Amount (€)") if by == "amount" else _("Disputes"),
            formatter=_amount if by == "amount" else _count,
        )
    return result
