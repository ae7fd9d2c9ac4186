"""The flagged customers page (``disputes:flagged``): customers whose dispute history looks like
a delaying tactic, with their score and its reasons; a credit manager can score again now and
change the thresholds and weights there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import (
    MANAGE_DISPUTES,
    VIEW_ALL_DISPUTES,
    WORK_DISPUTES,
    has_capability,
)
from encaisse.core.access import capability_required

from .abuse.forms import WEIGHT_FIELDS, AbuseSettingsForm
from .abuse.reasons import reasons_display
from .abuse.selectors import abuse_score_list
from .models_abuse import AbuseSettings
from .services import abuse_scores_refresh
from .services.abuse import abuse_settings_update

PAGE_SIZE = 200


def _context(request, form=None):
    show_all = request.GET.get("all") == "1"
    scores = list(abuse_score_list(user=request.user, flagged_only=not show_all)[:PAGE_SIZE])
    for score in scores:
        score.reason_rows = reasons_display(score.reasons)
    config = AbuseSettings.current()
    can_manage = has_capability(request.user, MANAGE_DISPUTES)
    form = form or (AbuseSettingsForm(instance=config) if can_manage else None)
    return {
        "scores": scores,
        "show_all": show_all,
        "config": config,
        "computed_at": scores[0].computed_at if scores else None,
        "can_manage": can_manage,
        "form": form,
        "weight_fields": WEIGHT_FIELDS,
        "page_size": PAGE_SIZE,
    }


@capability_required(VIEW_ALL_DISPUTES, WORK_DISPUTES)
def flagged_view(request):
    """Flagged customers, highest score first (``?all=1``: every customer scored)."""
    return render(request, "disputes/flagged.html", _context(request))


@require_POST
@capability_required(VIEW_ALL_DISPUTES, WORK_DISPUTES, MANAGE_DISPUTES)
def flagged_refresh_view(request):
    refresh = abuse_scores_refresh()
    messages.success(
        request,
        _("Scores computed again: %(customers)s customer(s) scored, %(flagged)s flagged.")
        % {"customers": refresh.customers, "flagged": refresh.flagged},
    )
    return redirect("disputes:flagged")


@require_POST
@capability_required(VIEW_ALL_DISPUTES, WORK_DISPUTES, MANAGE_DISPUTES)
def abuse_settings_view(request):
    form = AbuseSettingsForm(request.POST, instance=AbuseSettings.current())
    if form.is_valid():
        try:
            abuse_settings_update(actor=request.user, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thresholds saved; the scores were computed again."))
            return redirect("disputes:flagged")
    return render(request, "disputes/flagged.html", _context(request, form=form), status=400)
