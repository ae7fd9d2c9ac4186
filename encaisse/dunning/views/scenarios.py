"""The dunning scenario pages: the scenarios with their steps (VIEW_LEDGER reads), creating
and editing one with its steps, the segment mapping and a customer's own scenario and
contractual rate (MANAGE_SETTINGS writes, through ``services/scenarios.py``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER, has_capability
from encaisse.audit.selectors import audit_history_for
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.forms import form_errors
from encaisse.customers.selectors import access_customer

from ..penalties import contractual_rate_below_floor
from ..selectors import legal_interest_floor
from ..services.scenarios import customer_dunning_set, scenario_save, segment_scenario_set
from ..settings_forms import (
    CustomerDunningForm,
    ScenarioForm,
    SegmentMappingForm,
    StepForm,
    StepFormSet,
    step_initial,
    steps_from,
)
from ..settings_selectors import (
    access_scenario,
    customer_penalties,
    customer_scenario,
    scenario_list,
    segment_mapping,
)


@capability_required(VIEW_LEDGER)
def scenarios(request):
    context = {
        "scenarios": scenario_list(user=request.user),
        "can_edit": has_capability(request.user, MANAGE_SETTINGS),
        "step_form": StepForm(),
    }
    return render(request, "dunning/settings/scenarios.html", context)


def _scenario_form(request, scenario):
    initial = {}
    if scenario is not None:
        initial = {
            name: getattr(scenario, name)
            for name in ("code", "name", "description", "active", "is_default")
        }
    form = ScenarioForm(request.POST or None, initial=initial)
    formset = StepFormSet(request.POST or None, initial=step_initial(scenario), prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = scenario_save(
                actor=request.user,
                scenario=scenario,
                **form.cleaned_data,
                steps=steps_from(formset),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The scenario %(name)s was saved.") % {"name": saved})
            return redirect("dunning_settings:scenarios")
    context = {
        "form": form,
        "formset": formset,
        "scenario": scenario,
        "history": audit_history_for(scenario) if scenario else [],
    }
    return render(request, "dunning/settings/scenario_form.html", context)


@capability_required(MANAGE_SETTINGS)
def scenario_new(request):
    return _scenario_form(request, None)


@capability_required(MANAGE_SETTINGS)
def scenario_edit(request, scenario_id: int):
    return _scenario_form(request, access_scenario(request.user, scenario_id))


@capability_required(VIEW_LEDGER)
def segments(request):
    """Which scenario each segment follows; credit managers change it here."""
    can_edit = has_capability(request.user, MANAGE_SETTINGS)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(MANAGE_SETTINGS)
    form = SegmentMappingForm(request.POST or None, mapping=segment_mapping())
    if request.method == "POST" and form.is_valid():
        for name, segment in form.segments.items():
            segment_scenario_set(
                actor=request.user, segment=segment, scenario=form.cleaned_data[name]
            )
        messages.success(request, _("The segments' scenarios were saved."))
        return redirect("dunning_settings:segments")
    return render(request, "dunning/settings/segments.html", {"form": form, "can_edit": can_edit})


@capability_required(VIEW_LEDGER)
def customer_dunning(request, customer_id: int):
    """A customer's scenario (its own, its segment's or the default) and contractual rate."""
    customer = access_customer(request.user, customer_id)
    can_edit = has_capability(request.user, MANAGE_SETTINGS)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(MANAGE_SETTINGS)
    current = customer_scenario(customer)
    profile = current.profile
    initial = {
        "scenario": profile.scenario_id if profile else None,
        "penalty_rate": profile.penalty_rate if profile else None,
    }
    form = CustomerDunningForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            customer_dunning_set(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The customer's dunning settings were saved."))
            return redirect("dunning_settings:customer", customer_id=customer.pk)
    floor = legal_interest_floor(today())
    rate = profile.penalty_rate if profile else None
    context = {
        "customer": customer,
        "current": current,
        "form": form,
        "can_edit": can_edit,
        "floor": floor,
        "below_floor": rate is not None
        and floor is not None
        and contractual_rate_below_floor(rate=rate, legal_interest_rate=floor / 3),
        "history": audit_history_for(customer),
    }
    return render(request, "dunning/settings/customer.html", context)


@capability_required(VIEW_LEDGER)
def customer_penalties_card(request, customer_id: int):
    """The penalties card of the customer page, loaded by htmx after the page (so the
    customer page's own cost does not grow with the penalties' queries)."""
    customer = access_customer(request.user, customer_id)
    penalties = customer_penalties(customer=customer, as_of=today())
    return render(request, "dunning/_penalties.html", {"penalties": penalties})
