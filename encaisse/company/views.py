"""The settings pages: the company (letterhead, default payment terms, ageing buckets) and the
customer segments. MANAGE_SETTINGS only (administrators and credit managers)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import MANAGE_SETTINGS
from encaisse.audit.selectors import audit_history_for
from encaisse.core.access import capability_required
from encaisse.core.dates import age_buckets, today
from encaisse.core.forms import saved
from encaisse.customers.models import Segment

from .forms import CompanyForm, SegmentForm
from .models import Company, TermsKindChoices
from .selectors import company_get, segment_list
from .services import (
    MAX_TERMS_DAYS,
    company_update,
    segment_create,
    segment_delete,
    segment_update,
)
from .terms import parse_bucket_bounds, terms_examples


def _preview(*, kind: str, days, buckets_text: str) -> dict:
    """What the terms and buckets being typed give: example due dates and the bucket labels.

    Lenient on purpose: it runs on every keystroke, and the form says what is wrong on save."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days is not None and not 0 <= days <= MAX_TERMS_DAYS:
        days = None
    buckets, buckets_error = None, ""
    try:
        buckets = age_buckets(parse_bucket_bounds(buckets_text))
    except ValueError as error:
        buckets_error = str(error)
    # The 15th shows the kinds apart better than the 1st or the 31st would.
    issue_date = today().replace(day=15)
    return {
        "preview_kind": kind if kind in TermsKindChoices.values else None,
        "preview_days": days,
        "examples": terms_examples(issue_date=issue_date, days=days) if days is not None else [],
        "example_date": issue_date,
        "buckets": buckets,
        "buckets_error": buckets_error,
    }


@capability_required(MANAGE_SETTINGS)
def company_settings(request):
    company = company_get()
    form = CompanyForm(request.POST or None, instance=Company.objects.get(pk=company.pk))
    if saved(
        request,
        form,
        lambda data: company_update(actor=request.user, **data),
        _("The company settings were saved."),
    ):
        return redirect("company:settings")
    context = {
        "form": form,
        "company": company,
        "history": audit_history_for(company),
        **_preview(
            kind=form["default_terms_kind"].value(),
            days=form["default_terms_days"].value(),
            buckets_text=str(form["aging_bucket_bounds"].value() or ""),
        ),
    }
    return render(request, "company/settings.html", context)


@capability_required(MANAGE_SETTINGS)
def settings_preview(request):
    """The preview fragment, refreshed by htmx while the terms and buckets are typed."""
    context = _preview(
        kind=request.GET.get("default_terms_kind", ""),
        days=request.GET.get("default_terms_days"),
        buckets_text=request.GET.get("aging_bucket_bounds", ""),
    )
    return render(request, "company/settings.html#preview", context)


# Segments -------------------------------------------------------------------------------------


@capability_required(MANAGE_SETTINGS)
def segments(request):
    return render(request, "company/segments.html", {"segments": segment_list()})


@capability_required(MANAGE_SETTINGS)
def segment_new(request):
    form = SegmentForm(request.POST or None)
    if saved(
        request,
        form,
        lambda data: segment_create(actor=request.user, **data),
        _("The segment was created."),
    ):
        return redirect("company:segments")
    return render(request, "company/segment_form.html", {"form": form, "segment": None})


@capability_required(MANAGE_SETTINGS)
def segment_edit(request, segment_id: int):
    segment = get_object_or_404(segment_list(), pk=segment_id)
    form = SegmentForm(request.POST or None, instance=Segment.objects.get(pk=segment.pk))
    if saved(
        request,
        form,
        lambda data: segment_update(actor=request.user, segment=segment, data=data),
        _("The segment was saved."),
    ):
        return redirect("company:segments")
    context = {"form": form, "segment": segment, "history": audit_history_for(segment)}
    return render(request, "company/segment_form.html", context)


@capability_required(MANAGE_SETTINGS)
@require_POST
def segment_delete_view(request, segment_id: int):
    segment = get_object_or_404(Segment, pk=segment_id)
    try:
        segment_delete(actor=request.user, segment=segment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("company:segment_edit", segment_id=segment.pk)
    messages.success(request, _("The segment %(name)s was deleted.") % {"name": segment.name})
    return redirect("company:segments")
