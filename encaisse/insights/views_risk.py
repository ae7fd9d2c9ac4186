"""The aged balance by group (``/insights/aged/``) and the customer risk view
(``/insights/risk/``), with their CSV and Excel exports.

Like the other insights pages, they read their filters from the query string (links, exports and
bookmarks carry them) and open to everyone who sees the ledger; department members do not. The
abuse score and the "flagged" filter show only to those who may see abuse scores."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import VIEW_LEDGER
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.disputes.abuse.selectors import may_see_abuse_scores

from .aged import add_links, aged_chart, aged_export, aged_groups
from .forms_risk import AgedFilterForm, RiskFilterForm
from .risk import MAX_PAGES, risk_page
from .risk_export import EXPORT_COLUMNS, risk_export_rows
from .tables import _amount
from .views import EXPORTERS

AGED_PAGE_SIZE = 50


def _page_number(text) -> int:
    try:
        return int(text or 1)
    except ValueError:
        return 1


def _aged(request):
    form = AgedFilterForm(request.GET)
    as_of = form.value("as_of") or today()
    data = aged_groups(as_of=as_of, scope=form.scope(), group=form.grouping())
    return form, data


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@capability_required(VIEW_LEDGER)
def aged_page(request):
    form, data = _aged(request)
    page = Paginator(data.rows, AGED_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "group"}
    add_links(page.object_list, data=data, query=query)
    context = {
        "form": form,
        "data": data,
        "page": page,
        "chart": aged_chart(data, formatter=_amount),
        "is_today": data.as_of == today(),
        "query": _query_without(request, "page"),
        "group_query": _query_without(request, "page", "group"),
        "groupings": [
            ("segment", _("By segment")),
            ("collector", _("By collector")),
            ("customer", _("By customer")),
        ],
    }
    return render(request, "insights/aged.html", context)


@capability_required(VIEW_LEDGER)
def aged_export_view(request, fmt: str):
    if fmt not in EXPORTERS:
        raise Http404(fmt)
    _form, data = _aged(request)
    title, columns, rows = aged_export(data)
    filename = f"aged-{data.group}-{data.as_of.isoformat()}.{fmt}"
    kwargs = {"title": str(title)} if fmt == "xlsx" else {}
    return EXPORTERS[fmt](filename, columns, rows, **kwargs)


@capability_required(VIEW_LEDGER)
def risk_view(request):
    with_scores = may_see_abuse_scores(request.user)
    form = RiskFilterForm(request.GET, with_scores=with_scores)
    page = risk_page(filters=form.filters(), page=_page_number(request.GET.get("page")))
    context = {
        "form": form,
        "page": page,
        "with_scores": with_scores,
        "max_pages": MAX_PAGES,
        "query": _query_without(request, "page"),
        "sort_query": _query_without(request, "page", "sort"),
        "sort": form.filters().sort,
    }
    return render(request, "insights/risk.html", context)


@capability_required(VIEW_LEDGER)
def risk_export(request, fmt: str):
    if fmt not in EXPORTERS:
        raise Http404(fmt)
    with_scores = may_see_abuse_scores(request.user)
    form = RiskFilterForm(request.GET, with_scores=with_scores)
    rows = risk_export_rows(filters=form.filters(), with_scores=with_scores)
    filename = f"customer-risk-{today().isoformat()}.{fmt}"
    kwargs = {"title": _("Customer risk")} if fmt == "xlsx" else {}
    return EXPORTERS[fmt](filename, EXPORT_COLUMNS, rows, **kwargs)
