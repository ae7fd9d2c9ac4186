"""``/insights/disputes/`` "Disputes and non-quality": the management view of the disputes in
Insights, and the Excel/CSV export of each of its tables.

Whoever reads disputes opens it (VIEW_DISPUTES): credit managers, collectors, read-only users,
administrators, and department members, whose figures cover their department's disputes only
(the statistics selectors scope by user). The filters are the insights pages' own: the period
is on the date raised."""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from encaisse.accounts.capabilities import VIEW_DISPUTES, VIEW_LEDGER, has_capability
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.exports import csv_response, xlsx_response

from . import disputes_page
from .disputes import PAGE_ROWS, disputes_overview, stats_filters
from .forms import InsightsFilterForm
from .tables import _amount

EXPORTERS = {"csv": csv_response, "xlsx": xlsx_response}


def _filters(request):
    form = InsightsFilterForm(request.GET, user=request.user)
    as_of = form.value("as_of") or today()
    start, end = form.period(as_of)
    filters = stats_filters(
        as_of=end, start=start, scope=form.scope(), department=form.department_code()
    )
    return form, filters


def _links(filters) -> dict:
    """The statistics page and the disputes list with the same filters (as far as they go)."""
    stats = {"raised_from": filters.raised_from, "raised_to": filters.raised_to}
    if filters.segment:
        stats["segment"] = filters.segment
    listing = {"status": ""}
    if filters.department:
        stats["department"] = listing["department"] = filters.department
    return {
        "statistics_url": f"{reverse('dispute_stats:statistics')}?{urlencode(stats)}",
        "disputes_url": f"{reverse('disputes:list')}?{urlencode(listing)}",
    }


@capability_required(VIEW_DISPUTES)
def disputes_dashboard(request):
    form, filters = _filters(request)
    overview = disputes_overview(user=request.user, filters=filters)
    context = {
        "form": form,
        "as_of": filters.as_of,
        "query": request.GET.urlencode(),
        "overview": overview,
        "total": overview.total,
        # cash-days in whole euro-days, grouped as the amounts are
        "cash_days": _amount(overview.total.cash_days.quantize(Decimal(1), ROUND_HALF_UP)),
        "groups": {
            key: rows[:PAGE_ROWS] for key, rows in overview.groups.items() if key != "customer"
        },
        "customers": overview.groups["customer"][:PAGE_ROWS],
        "more_customers": len(overview.groups["customer"]) > PAGE_ROWS,
        "flow_chart": disputes_page.flow_chart(overview.flow),
        "resolution_chart": disputes_page.resolution_chart(overview.groups["department"]),
        "cash_days_chart": disputes_page.cash_days_chart(overview.groups["root_cause"]),
        "pareto_charts": disputes_page.pareto_charts(overview),
        "sees_ledger": has_capability(request.user, VIEW_LEDGER),
        **_links(filters),
    }
    return render(request, "insights/disputes.html", context)


@capability_required(VIEW_DISPUTES)
def disputes_export(request, table: str, fmt: str):
    """One table of the page, with the page's filters, as CSV or Excel (every row)."""
    if fmt not in EXPORTERS or table not in disputes_page.TABLES:
        raise Http404(f"{table}.{fmt}")
    _form, filters = _filters(request)
    title, columns, rows = disputes_page.export_table(table, user=request.user, filters=filters)
    filename = f"disputes-{table}-{filters.as_of.isoformat()}.{fmt}"
    kwargs = {"title": title} if fmt == "xlsx" else {}
    return EXPORTERS[fmt](filename, columns, rows, **kwargs)
