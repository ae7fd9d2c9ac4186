"""The insights pages: the dashboard (``/insights/``), the DSO page (``/insights/dso/``) and the
Excel/CSV export of every table they show.

The pages read their filters (date, period, segment, collector, department) from the query
string through one form, so a link, the export buttons and a bookmark carry the same filters.
Everyone who sees the ledger (credit managers, collectors, read-only users) opens them;
department members do not (their page is ``views_disputes``). The department narrows dispute
figures only: the dashboard's count of disputes due."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER, has_capability
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.exports import csv_response, xlsx_response

from . import tables
from .forms import InsightsFilterForm, InsightsSettingsForm
from .selectors import insights_settings_get
from .services import insights_settings_update

EXPORTERS = {"csv": csv_response, "xlsx": xlsx_response}


def _filters(request) -> InsightsFilterForm:
    return InsightsFilterForm(request.GET)


def _context(request, form: InsightsFilterForm) -> dict:
    query = request.GET.copy()
    return {
        "form": form,
        "as_of": form.value("as_of") or today(),
        "query": query.urlencode(),
    }


@capability_required(VIEW_LEDGER)
def dashboard(request):
    form = _filters(request)
    context = _context(request, form)
    context.update(
        tables.dashboard_data(
            user=request.user,
            as_of=context["as_of"],
            scope=form.scope(),
            months=form.period_months(),
            department=form.department_code(),
        )
    )
    return render(request, "insights/dashboard.html", context)


@capability_required(VIEW_LEDGER)
def dso_page(request):
    form = _filters(request)
    context = _context(request, form)
    context.update(
        tables.dso_data(as_of=context["as_of"], scope=form.scope(), months=form.period_months())
    )
    context["settings"] = insights_settings_get()
    if has_capability(request.user, MANAGE_SETTINGS):
        context["settings_form"] = InsightsSettingsForm(instance=context["settings"])
    return render(request, "insights/dso.html", context)


@capability_required(VIEW_LEDGER)
def dunning_page(request):
    """Dunning effectiveness over the period: per scenario step, the share paid within 7, 15
    and 30 days; promises kept; collectors' activity and cash collected."""
    form = _filters(request)
    context = _context(request, form)
    context.update(
        tables.dunning_data(as_of=context["as_of"], scope=form.scope(), months=form.period_months())
    )
    return render(request, "insights/dunning.html", context)


@capability_required(MANAGE_SETTINGS)
@require_POST
def dso_settings(request):
    form = InsightsSettingsForm(request.POST, instance=insights_settings_get())
    if form.is_valid():
        try:
            insights_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The DSO settings were saved."))
    else:
        messages.error(request, _("The DSO settings were not saved: check the values."))
    return redirect("insights:dso")


@capability_required(VIEW_LEDGER)
def export(request, table: str, fmt: str):
    """One table of the dashboard or the DSO page, with the page's filters, as CSV or Excel."""
    if fmt not in EXPORTERS or table not in tables.EXPORTS:
        raise Http404(table)
    form = _filters(request)
    as_of = form.value("as_of") or today()
    title, columns, rows = tables.EXPORTS[table](
        as_of=as_of, scope=form.scope(), months=form.period_months()
    )
    filename = f"{table}-{as_of.isoformat()}.{fmt}"
    kwargs = {"title": str(title)} if fmt == "xlsx" else {}
    return EXPORTERS[fmt](filename, columns, rows, **kwargs)
