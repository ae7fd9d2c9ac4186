"""What the insights pages show, as plain data: figures, tables (the same rows the exports
write) and the inline SVG charts. The views stay thin; the exports and the pages share one
definition of every table."""

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import dateformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from encaisse.core.exports import DATE, INTEGER, MONEY, Column
from encaisse.core.money import format_amount
from encaisse.disputes.choices import ACTIVE_STATUSES
from encaisse.disputes.selectors import disputes_visible_to
from encaisse.dunning.worklist import default_collector_filter, worklist_summary

from .charts import Series, bar_chart, line_chart
from .collectors import collector_activity, collector_total
from .dso import countback_steps
from .effectiveness import promise_rate, step_effectiveness
from .forecast import Forecast, cash_forecast
from .forms import period_start
from .queries import Scope
from .selectors import dso_by, dso_series, kpis

GROUP_COLUMNS = [
    Column("name", width=40),
    Column("receivables", MONEY),
    Column("dso_ratio"),
    Column("dso_countback"),
    Column("average_days_late"),
]


def _amount(value: Decimal) -> str:
    """An amount for a chart: in whole euros when it has no cents (the axis values)."""
    text = format_amount(value, language=get_language() or "fr")
    return text[:-3] if value == value.to_integral() else text


def _days(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"
    return text.replace(".", ",") if (get_language() or "fr").startswith("fr") else text


def _month_label(day: dt.date) -> str:
    return dateformat.format(day, "M y")


# Tables (also the exports) ---------------------------------------------------------------------


def kpi_table(*, as_of, scope, months=12):
    figures = kpis(as_of=as_of, scope=scope)
    rows = [
        ("receivables", _("Receivables"), figures.receivables),
        ("overdue", _("Overdue"), figures.overdue),
        ("overdue_share", _("Share overdue (%)"), figures.overdue_share),
        ("disputed", _("In dispute"), figures.disputed),
        (
            "disputed_share_of_overdue",
            _("Disputed share of overdue (%)"),
            figures.disputed_share_of_overdue,
        ),
        ("dso_ratio", _("DSO, ratio method (days)"), figures.dso.ratio),
        ("dso_countback", _("DSO, count-back method (days)"), figures.dso.countback),
        ("average_days_late", _("Average days late"), figures.average_days_late),
    ]
    return _("Key figures"), [Column("key"), Column("figure", width=40), Column("value")], rows


def dso_history_table(*, as_of, scope, months=12):
    points = dso_series(as_of=as_of, scope=scope, months=months)
    columns = [
        Column("month_end", DATE),
        Column("receivables", MONEY),
        Column("revenue", MONEY),
        Column("dso_ratio"),
        Column("dso_countback"),
    ]
    rows = [(p.day, p.receivables, p.revenue, p.dso.ratio, p.dso.countback) for p in points]
    return _("DSO by month"), columns, rows


def forecast_table(*, as_of, scope, months=12, forecast: Forecast | None = None):
    forecast = forecast or cash_forecast(as_of=as_of, scope=scope)
    columns = [
        Column("period", width=30),
        Column("week_start", DATE),
        Column("week_end", DATE),
        Column("expected", MONEY),
        Column("promised", MONEY),
    ]
    rows = [
        (_("Week %(number)s") % {"number": i}, w.start, w.end, w.amount, w.promised)
        for i, w in enumerate(forecast.weeks, start=1)
    ]
    rows += [
        (_("Late, date unknown"), None, None, forecast.late, None),
        (_("After week 13"), None, None, forecast.later, None),
        (_("In dispute, not forecast"), None, None, forecast.disputed, None),
    ]
    return _("Cash forecast"), columns, rows


def _group_table(group: str, title):
    def table(*, as_of, scope, months=12):
        rows = [
            (r.label or _("None"), r.receivables, r.dso.ratio, r.dso.countback, r.average_days_late)
            for r in dso_by(group=group, as_of=as_of, scope=scope)
        ]
        return title, GROUP_COLUMNS, rows

    return table


def dunning_table(*, as_of, scope, months=12):
    columns = [
        Column("scenario", width=30),
        Column("step", width=30),
        Column("day"),
        Column("channel"),
        Column("invoices"),
        Column("paid_within_7_days_pct"),
        Column("paid_within_15_days_pct"),
        Column("paid_within_30_days_pct"),
    ]
    rows = [
        (r.scenario, r.step, r.offset_days, r.channel, r.lines, r.paid[7], r.paid[15], r.paid[30])
        for r in step_effectiveness(as_of=as_of, scope=scope, since=period_start(as_of, months))
    ]
    return _("Dunning effectiveness"), columns, rows


COLLECTOR_COLUMNS = [
    Column("collector", width=30),
    Column("calls", INTEGER),
    Column("calls_reached", INTEGER),
    Column("emails", INTEGER),
    Column("letters", INTEGER),
    Column("formal_notices", INTEGER),
    Column("promises_obtained", INTEGER),
    Column("promises_resolved", INTEGER),
    Column("promises_kept", INTEGER),
    Column("promises_kept_pct"),
    Column("cash_payments", MONEY),
    Column("cash_credit_notes", MONEY),
    Column("cash_collected", MONEY),
]


def _collector_row(row, name):
    return (
        name,
        row.calls,
        row.calls_reached,
        row.emails,
        row.letters,
        row.formal_notices,
        row.promises_obtained,
        row.promises_resolved,
        row.promises_kept,
        row.kept_share,
        row.cash_payments,
        row.cash_credit_notes,
        row.cash_collected,
    )


def collectors_table(*, as_of, scope, months=12, rows=None):
    """Collectors' activity and cash collected over the period, with a total row."""
    if rows is None:
        rows = collector_activity(start=period_start(as_of, months), end=as_of, scope=scope)
    lines = [_collector_row(r, r.name or _("No one")) for r in rows]
    lines.append(_collector_row(collector_total(rows), _("Total")))
    return _("Collectors' activity and cash collected"), COLLECTOR_COLUMNS, lines


EXPORTS = {
    "dunning-steps": dunning_table,
    "dunning-collectors": collectors_table,
    "kpis": kpi_table,
    "dso-history": dso_history_table,
    "forecast": forecast_table,
    "dso-segment": _group_table("segment", gettext_lazy("DSO by segment")),
    "dso-collector": _group_table("collector", gettext_lazy("DSO by collector")),
    "dso-customer": _group_table("customer", gettext_lazy("DSO by customer")),
}


# Charts ----------------------------------------------------------------------------------------


def dso_chart(points, chart_id="dso-chart"):
    labels = [_month_label(p.day) for p in points]
    return line_chart(
        chart_id=chart_id,
        title=_("DSO at each month end"),
        description=_("DSO in days, ratio method and count-back method, month by month."),
        labels=labels,
        series=[
            Series(_("Ratio method"), [p.dso.ratio for p in points]),
            Series(_("Count-back method"), [p.dso.countback for p in points]),
        ],
        x_label=_("Month"),
        y_label=_("Days"),
        formatter=_days,
    )


def forecast_chart(forecast: Forecast, chart_id="forecast-chart"):
    labels = [dateformat.format(w.start, "d/m") for w in forecast.weeks]
    return bar_chart(
        chart_id=chart_id,
        title=_("Cash expected per week"),
        description=_(
            "Receipts expected each week for 13 weeks: from due dates and customers' usual "
            "delay, and from promises to pay."
        ),
        labels=labels,
        series=[
            Series(_("Due dates and usual delay"), [w.amount - w.promised for w in forecast.weeks]),
            Series(_("Promises to pay"), [w.promised for w in forecast.weeks]),
        ],
        x_label=_("Week starting"),
        y_label=_("Amount (€)"),
        formatter=_amount,
    )


def revenue_chart(points, chart_id="revenue-chart"):
    return bar_chart(
        chart_id=chart_id,
        title=_("Revenue and receivables by month"),
        description=_("Revenue incl. tax of each month and the receivables at its end."),
        labels=[_month_label(p.day) for p in points],
        series=[Series(_("Revenue incl. tax"), [p.revenue for p in points])],
        x_label=_("Month"),
        y_label=_("Amount (€)"),
        formatter=_amount,
    )


# Pages -----------------------------------------------------------------------------------------


# The active statuses as literals, the condition of the active disputes' partial index
# (dispute_deadline_idx, by target date): SQLite then counts the disputes due from the index alone
# (with the statuses as parameters it cannot prove the index applies and reads every dispute).
_ACTIVE_DISPUTE = RawSQL(
    '"disputes_dispute"."status" IN ({})'.format(", ".join(f"'{s}'" for s in ACTIVE_STATUSES)),
    [],
    output_field=BooleanField(),
)


def _work(*, user, as_of: dt.date, scope: Scope, department: str | None = None) -> dict:
    """The day's work panel: the worklist's counts (one aggregate over the pending actions) and
    the active disputes due by ``as_of``."""
    collector = str(scope.collector_id) if scope.collector_id else default_collector_filter(user)
    counts = worklist_summary(user=user, collector=collector, as_of=as_of)
    disputes = disputes_visible_to(user).filter(
        _ACTIVE_DISPUTE, target_date__lte=as_of, **scope.customer_lookups()
    )
    if department:
        disputes = disputes.filter(department__code=department)
    return {**counts, "disputes_due": disputes.count(), "collector_filter": collector}


def dashboard_data(
    *, user, as_of: dt.date, scope: Scope, months: int, department: str | None = None
) -> dict:
    figures = kpis(as_of=as_of, scope=scope)
    points = dso_series(as_of=as_of, scope=scope, months=months)
    forecast = cash_forecast(as_of=as_of, scope=scope)
    return {
        "kpis": figures,
        "points": points,
        "forecast": forecast,
        "this_week": forecast.weeks[0].amount,
        "next_four_weeks": forecast.next_weeks(5) - forecast.weeks[0].amount,
        "work": _work(user=user, as_of=as_of, scope=scope, department=department),
        "segments": dso_by(group="segment", as_of=as_of, scope=scope, limit=20),
        "collectors": dso_by(group="collector", as_of=as_of, scope=scope, limit=20),
        "dso_chart": dso_chart(points),
        "forecast_chart": forecast_chart(forecast),
    }


def dso_data(*, as_of: dt.date, scope: Scope, months: int) -> dict:
    figures = kpis(as_of=as_of, scope=scope)
    points = dso_series(as_of=as_of, scope=scope, months=months)
    return {
        "kpis": figures,
        "ratio_months": figures.months[: figures.ratio_months],
        "steps": countback_steps(receivables=figures.receivables, months=figures.months),
        "points": points,
        "dso_chart": dso_chart(points),
        "revenue_chart": revenue_chart(points),
        "customers": dso_by(group="customer", as_of=as_of, scope=scope, limit=50),
        "segments": dso_by(group="segment", as_of=as_of, scope=scope, limit=20),
        "collectors": dso_by(group="collector", as_of=as_of, scope=scope, limit=20),
    }


def collectors_chart(rows, chart_id="collectors-chart"):
    rows = [r for r in rows if r.user_id is not None][:12]
    return bar_chart(
        chart_id=chart_id,
        title=_("Cash collected per collector"),
        description=_(
            "Payments and credit notes allocated in the period to the invoices of each "
            "collector's customers."
        ),
        labels=[r.name for r in rows],
        series=[
            Series(_("Payments"), [r.cash_payments for r in rows]),
            Series(_("Credit notes"), [r.cash_credit_notes for r in rows]),
        ],
        x_label=_("Collector"),
        y_label=_("Amount (€)"),
        formatter=_amount,
    )


def dunning_data(*, as_of: dt.date, scope: Scope, months: int = 12) -> dict:
    since = period_start(as_of, months)
    collectors = collector_activity(start=since, end=as_of, scope=scope)
    return {
        "since": since,
        "steps": step_effectiveness(as_of=as_of, scope=scope, since=since),
        "promises": promise_rate(as_of=as_of, scope=scope, since=since),
        "collectors": collectors,
        "collectors_total": collector_total(collectors),
        "collectors_chart": collectors_chart(collectors),
    }
