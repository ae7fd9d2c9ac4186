"""The reference rate table: the ECB main refinancing rate and the legal interest rates per
half-year, which the late-payment penalties read. VIEW_LEDGER reads, MANAGE_SETTINGS adds and
corrects (``services/rates.py``, with an audit row). Rows read in one unofficial source only
are marked unconfirmed until someone checks them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER, has_capability
from encaisse.audit.selectors import audit_history_for
from encaisse.core.access import capability_required
from encaisse.core.forms import form_errors

from ..choices import RateKind
from ..models import ReferenceRate
from ..selectors import rate_gap
from ..services.rates import reference_rate_save
from ..settings_forms import ReferenceRateForm
from ..settings_selectors import rate_table


@capability_required(VIEW_LEDGER)
def rates(request):
    context = {
        "rows": rate_table(user=request.user),
        "kinds": RateKind.choices,
        "can_edit": has_capability(request.user, MANAGE_SETTINGS),
        "rate_gap": rate_gap(),
    }
    context["can_edit_rates"] = context["can_edit"]
    return render(request, "dunning/settings/rates.html", context)


def _rate_form(request, row):
    initial = {"confirmed": True}
    if row is not None:
        initial = {name: getattr(row, name) for name in ("kind", "starts_on", "rate", "source")}
        initial["confirmed"] = row.confirmed
    form = ReferenceRateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reference_rate_save(actor=request.user, reference_rate=row, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The rate was saved."))
            return redirect("dunning_settings:rates")
    history = audit_history_for(row) if row else []
    context = {"form": form, "row": row, "history": history}
    return render(request, "dunning/settings/rate_form.html", context)


@capability_required(MANAGE_SETTINGS)
def rate_new(request):
    return _rate_form(request, None)


@capability_required(MANAGE_SETTINGS)
def rate_edit(request, rate_id: int):
    row = ReferenceRate.objects.filter(pk=rate_id).first()
    if row is None:
        raise Http404("no such rate")
    return _rate_form(request, row)
