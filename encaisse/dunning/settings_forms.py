"""Forms of the dunning settings pages: a scenario and its steps, the segment mapping, a
customer's override, a reference rate, a run's date. They only shape input: the services
check the rules (distinct offsets, one default, half-year starts) and say what is wrong."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Performer, RateKind
from .models import CustomerDunningProfile, ReferenceRate, Scenario, Step


def _label(model, name):
    """The model field's verbose name, capitalised: one translation for both."""
    return capfirst(model._meta.get_field(name).verbose_name)


class ScenarioForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_label(Scenario, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    active = forms.BooleanField(label=_label(Scenario, "active"), required=False, initial=True)
    is_default = forms.BooleanField(label=_label(Scenario, "is_default"), required=False)


class StepForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    offset_days = forms.IntegerField(
        label=_label(Step, "offset_days"),
        min_value=-365,
        max_value=365,
        widget=forms.NumberInput(attrs={"size": 4}),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    channel = forms.ChoiceField(
        label=_label(Step, "channel"), choices=Channel.choices, initial=Channel.EMAIL
    )
    template_code = forms.SlugField(
        label=_label(Step, "template_code"), max_length=64, required=False
    )
    min_amount = forms.DecimalField(
        label=_label(Step, "min_amount"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    performer = forms.ChoiceField(
        label=_label(Step, "performer"), choices=Performer.choices, initial=Performer.COLLECTOR
    )
    needs_approval = forms.BooleanField(label=_label(Step, "needs_approval"), required=False)
    include_penalties = forms.BooleanField(label=_label(Step, "include_penalties"), required=False)


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)


def step_initial(scenario: Scenario | None) -> list[dict]:
    if scenario is None:
        return []
    return [
        {
            "id": step.pk,
            "offset_days": step.offset_days,
            "name": step.name,
            "channel": step.channel,
            "template_code": step.template_code,
            "min_amount": step.min_amount,
            "performer": step.performer,
            "needs_approval": step.needs_approval,
            "include_penalties": step.include_penalties,
        }
        for step in scenario.steps.all()
    ]


def steps_from(formset) -> list[dict]:
    """The steps the formset keeps (filled in and not marked for deletion)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ScenarioChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.active else _("%(name)s (inactive)") % {"name": obj.name}


class SegmentMappingForm(forms.Form):
    """One select per segment, named ``segment_<id>``; empty means the default scenario."""

    def __init__(self, *args, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.segments = {}
        for segment, scenario in mapping:
            name = f"segment_{segment.pk}"
            self.segments[name] = segment
            self.fields[name] = ScenarioChoiceField(
                label=segment.name,
                queryset=Scenario.objects.order_by("name"),
                required=False,
                empty_label=_label(Scenario, "is_default"),
                initial=scenario.pk if scenario else None,
            )


class CustomerDunningForm(forms.Form):
    scenario = ScenarioChoiceField(
        label=_label(CustomerDunningProfile, "scenario"),
        queryset=Scenario.objects.order_by("name"),
        required=False,
        empty_label=_("Segment's scenario (or the default)"),
    )
    penalty_rate = forms.DecimalField(
        label=_label(CustomerDunningProfile, "penalty_rate"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=3,
        help_text=_("Empty: ECB main refinancing rate + 10 points (L441-10)."),
    )


class ReferenceRateForm(forms.Form):
    kind = forms.ChoiceField(label=_label(ReferenceRate, "kind"), choices=RateKind.choices)
    starts_on = forms.DateField(
        label=_label(ReferenceRate, "starts_on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rate = forms.DecimalField(label=_label(ReferenceRate, "rate"), max_digits=6, decimal_places=3)
    source = forms.CharField(label=_label(ReferenceRate, "source"), max_length=255, required=False)
    confirmed = forms.BooleanField(
        label=_label(ReferenceRate, "confirmed"), required=False, initial=True
    )


class RunDateForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
