"""The statistics page (/disputes/statistics/) and its exports: disputes grouped by the chosen
dimension, the Pareto of root causes (a chart drawn as SVG on the server, and its table), and
per root cause the trend around its preventive actions. Everyone who may read disputes opens
it; a department member's figures cover their department's disputes."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import VIEW_DISPUTES, WORK_DISPUTES, has_capability
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.exports import csv_response, xlsx_response

from .forms_stats import StatsFilterForm
from .statistics import (
    GROUPS,
    dispute_statistics,
    disputes_for_statistics,
    pareto,
    root_cause_trend,
)
from .statistics.chart import pareto_svg
from .statistics.exports import (
    GROUP_COLUMNS,
    PARETO_COLUMNS,
    TREND_COLUMNS,
    grouping_rows,
    pareto_rows,
    trend_rows,
)
from .statistics.groups import grouped_statistics

EXPORTERS = {"csv": csv_response, "xlsx": xlsx_response}
TABLES = [*GROUPS, "pareto", "trend"]
PAGE_ROWS = 50  # rows of a grouping shown on the page (the export has them all)


def _form(request) -> StatsFilterForm:
    form = StatsFilterForm(request.GET)
    form.is_valid()  # invalid fields are shown and ignored; the rest still filters
    return form


def _root_causes(request, filters, stats):
    if stats.group_by == "root_cause":
        return stats.rows
    queryset = disputes_for_statistics(user=request.user, filters=filters)
    _total, rows = grouped_statistics(queryset=queryset, group_by="root_cause", as_of=stats.as_of)
    return rows


@capability_required(VIEW_DISPUTES)
def statistics_page(request):
    form = _form(request)
    filters = form.filters()
    group_by, measure = form.grouping(), form.pareto_measure()
    stats = dispute_statistics(
        user=request.user, group_by=group_by, filters=filters, limit=PAGE_ROWS
    )
    causes = _root_causes(request, filters, stats)
    ranked = pareto(causes, by=measure)
    title = (
        _("Root causes by disputed amount")
        if measure == "amount"
        else _("Root causes by number of disputes")
    )
    query = request.GET.copy()
    context = {
        "form": form,
        "stats": stats,
        "group_title": GROUPS[group_by][1],
        "rows": stats.rows[:PAGE_ROWS],
        "more_rows": len(stats.rows) > PAGE_ROWS,
        "causes": causes,
        "pareto": ranked,
        "pareto_title": title,
        "pareto_chart": pareto_svg(ranked, by=measure, title=title),
        "trend": root_cause_trend(user=request.user, filters=filters),
        "query": query.urlencode(),
        "can_record_action": has_capability(request.user, WORK_DISPUTES),
    }
    return render(request, "disputes/statistics.html", context)


@capability_required(VIEW_DISPUTES)
def statistics_export(request, table: str, fmt: str):
    """One table of the page, with the page's filters, as CSV or Excel."""
    if fmt not in EXPORTERS or table not in TABLES:
        raise Http404(f"{table}.{fmt}")
    form = _form(request)
    filters = form.filters()
    if table == "trend":
        trend = root_cause_trend(user=request.user, filters=filters)
        columns, rows = TREND_COLUMNS, trend_rows(trend)
        title = _("Preventive actions: before and after")
    elif table == "pareto":
        stats = dispute_statistics(user=request.user, group_by="root_cause", filters=filters)
        columns, rows = PARETO_COLUMNS, pareto_rows(pareto(stats.rows, by=form.pareto_measure()))
        title = _("Pareto of root causes")
    else:
        rows = grouping_rows(user=request.user, group_by=table, filters=filters)
        columns = GROUP_COLUMNS
        title = str(GROUPS[table][1])
    filename = f"litiges-{table}-{today().isoformat()}.{fmt}"
    kwargs = {"title": title} if fmt == "xlsx" else {}
    return EXPORTERS[fmt](filename, columns, rows, **kwargs)
