import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.customers.models import Segment

from .models import InsightsSettings
from .queries import Scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERIODS = [
    (1, _("1 month")),
    (3, _("3 months")),
    (6, _("6 months")),
    (12, _("12 months")),
    (24, _("24 months")),
]


class InsightsFilterForm(forms.Form):
    """Every insights page's filters, from the query string: the date, the months of history
    (the period), the segment, the collector and the department. Invalid fields are ignored.

    The department narrows the dispute figures (a department owns disputes, not customers);
    ledger figures have no department and ignore it. A department member's choice is their
    own department (``user``)."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_INPUT)
    months = forms.TypedChoiceField(
        label=_("Period"), required=False, choices=PERIODS, coerce=int, empty_value=12
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        required=False,
        queryset=Segment.objects.order_by("name"),
        empty_label=_("All segments"),
    )
    collector = forms.TypedChoiceField(
        label=_("Collector"), required=False, coerce=int, empty_value=None
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("All departments"),
    )

    def __init__(self, data=None, *, user=None):
        if data is not None and not data.get("months"):
            data = data.copy()
            data["months"] = "12"  # shown selected, as it is used
        super().__init__(data)
        own = getattr(user, "department_id", None)
        if user is not None and user.role == Role.DEPARTMENT_MEMBER:
            self.fields["department"].queryset = Department.objects.filter(pk=own)
        users = get_user_model().objects.filter(
            is_active=True, role__in=[Role.ADMIN, Role.CREDIT_MANAGER, Role.COLLECTOR]
        )
        self.fields["collector"].choices = [
            ("", _("All collectors")),
            *((u.pk, u.get_full_name() or u.username) for u in users.order_by("username")),
        ]
        self.is_valid()

    def value(self, name):
        if name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name)

    def scope(self) -> Scope:
        segment = self.value("segment")
        return Scope(
            segment_id=segment.pk if segment else None, collector_id=self.value("collector")
        )

    def period_months(self) -> int:
        return self.value("months") or 12

    def department_code(self) -> str | None:
        department = self.value("department")
        return department.code if department else None

    def period(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last days of the period: the ``months`` calendar months that end
        with the as-of date's month, up to the as-of date (as the DSO history's month ends)."""
        return period_start(as_of, self.period_months()), as_of


def period_start(as_of: dt.date, months: int) -> dt.date:
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


class InsightsSettingsForm(forms.ModelForm):
    class Meta:
        model = InsightsSettings
        fields = ["days_basis", "ratio_months"]
