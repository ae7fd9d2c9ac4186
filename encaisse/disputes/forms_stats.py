"""Forms of the statistics page and of the preventive action pages."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.customers.models import Segment

from .models import RootCause
from .models_preventive import ActionKind, ActionStatus
from .statistics import GROUPS, StatsFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WORKING_ROLES = [Role.ADMIN, Role.CREDIT_MANAGER, Role.COLLECTOR, Role.DEPARTMENT_MEMBER]


class StatsFilterForm(forms.Form):
    raised_from = forms.DateField(label=_("Raised from"), required=False, widget=DATE_INPUT)
    raised_to = forms.DateField(label=_("Raised until"), required=False, widget=DATE_INPUT)
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        required=False,
        queryset=Segment.objects.all(),
        to_field_name="code",
        empty_label=_("All segments"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.all(),
        to_field_name="code",
        empty_label=_("All departments"),
    )
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[(key, title) for key, (_field, title) in GROUPS.items()],
    )
    pareto = forms.ChoiceField(
        label=_("Pareto by"),
        required=False,
        choices=[("amount", _("Amount")), ("count", _("Number of disputes"))],
    )

    def filters(self) -> StatsFilters:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        segment, department = data.get("segment"), data.get("department")
        return StatsFilters(
            raised_from=data.get("raised_from"),
            raised_to=data.get("raised_to"),
            segment=segment.code if segment else None,
            department=department.code if department else None,
        )

    def grouping(self) -> str:
        return (getattr(self, "cleaned_data", {}) or {}).get("group_by") or "category"

    def pareto_measure(self) -> str:
        return (getattr(self, "cleaned_data", {}) or {}).get("pareto") or "amount"


def _owners():
    return (
        get_user_model().objects.filter(is_active=True, role__in=WORKING_ROLES).order_by("username")
    )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ActionStatus.choices
    )
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"),
        required=False,
        queryset=RootCause.objects.all(),
        to_field_name="code",
        empty_label=_("All causes"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_owners(), empty_label=_("Anyone")
    )
    late = forms.BooleanField(label=_("Late only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners()


class ActionForm(forms.Form):
    """Record or change an action. ``department`` is offered only to users who see every
    department; a department member's actions are their department's."""

    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.filter(active=True)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=_owners())
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.all()
    )
    due_on = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, all_departments: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners()
        self.fields["root_cause"].queryset = RootCause.objects.filter(active=True)
        if not all_departments:
            del self.fields["department"]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE_INPUT)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
