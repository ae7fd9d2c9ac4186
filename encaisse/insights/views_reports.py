"""The monthly reports page (``/insights/reports/``): the generated reports to download (whoever
sees the ledger), "generate now" for a chosen month and the recipients form (credit managers and
administrators)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER, has_capability
from encaisse.core.access import capability_required
from encaisse.core.dates import today

from .forms_reports import ReportGenerateForm, ReportRecipientsForm
from .reports import (
    access_monthly_report,
    monthly_report_generate,
    monthly_report_list,
    previous_month,
    report_recipients_set,
    report_settings_get,
)


def _page(request, *, generate_form=None, recipients_form=None, status=200):
    context = {"reports": monthly_report_list()}
    if has_capability(request.user, MANAGE_SETTINGS):
        default = {"month": f"{previous_month(today()):%Y-%m}", "language": request.user.language}
        chosen = report_settings_get().recipients.values_list("pk", flat=True)
        context["generate_form"] = generate_form or ReportGenerateForm(initial=default)
        context["recipients_form"] = recipients_form or ReportRecipientsForm(
            initial={"recipients": list(chosen)}
        )
    return render(request, "insights/reports.html", context, status=status)


@capability_required(VIEW_LEDGER)
def reports_page(request):
    return _page(request)


@capability_required(VIEW_LEDGER)
def report_download(request, report_id: int):
    report = access_monthly_report(request.user, report_id)
    if not report.file:
        raise Http404("This report has no PDF yet.")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )


@capability_required(MANAGE_SETTINGS)
@require_POST
def report_generate(request):
    form = ReportGenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report was not generated: check the month."))
        return _page(request, generate_form=form, status=400)
    report = monthly_report_generate(actor=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("The report for %(month)s was generated.") % {"month": date_format(report.month, "F Y")},
    )
    return redirect("insights:reports")


@capability_required(MANAGE_SETTINGS)
@require_POST
def report_recipients(request):
    form = ReportRecipientsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The recipients were not saved."))
        return _page(request, recipients_form=form, status=400)
    report_recipients_set(actor=request.user, users=form.cleaned_data["recipients"])
    messages.success(request, _("The recipients of the monthly report were saved."))
    return redirect("insights:reports")
