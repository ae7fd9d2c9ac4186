"""The filters of the aged balance by group and of the customer risk view, from the query
string; both extend the insights filters (date, segment, collector) and drop the period, which
neither page uses. Neither page has department figures (a department owns disputes, not
customers): the department is kept hidden, so that it is still chosen on the tabs that use it
after a visit here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .aged import GROUPINGS
from .forms import InsightsFilterForm
from .risk import SORTS, RiskFilters


class AgedFilterForm(InsightsFilterForm):
    group = forms.ChoiceField(
        required=False, choices=[(g, g) for g in GROUPINGS], widget=forms.HiddenInput
    )

    def __init__(self, data=None):
        super().__init__(data)
        del self.fields["months"]
        self.fields["department"].widget = forms.HiddenInput()

    def grouping(self) -> str:
        return self.value("group") or "segment"


class RiskFilterForm(InsightsFilterForm):
    over_limit = forms.BooleanField(label=_("Only over the credit limit"), required=False)
    flagged = forms.BooleanField(label=_("Only flagged customers"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("exposure", _("Exposure, largest first")),
            ("over_limit", _("Amount over the limit, largest first")),
            ("days_late", _("Average days late, latest first")),
            ("score", _("Abuse score, highest first")),
        ],
    )

    def __init__(self, data=None, *, with_scores: bool = True):
        super().__init__(data)
        for name in ("months", "as_of"):
            del self.fields[name]
        self.fields["department"].widget = forms.HiddenInput()
        if not with_scores:
            del self.fields["flagged"]
            self.fields["sort"].choices = self.fields["sort"].choices[:3]
        self.with_scores = with_scores

    def filters(self) -> RiskFilters:
        sort = self.value("sort") or "exposure"
        if sort not in SORTS or (sort == "score" and not self.with_scores):
            sort = "exposure"
        return RiskFilters(
            scope=self.scope(),
            over_limit_only=bool(self.value("over_limit")),
            flagged_only=self.with_scores and bool(self.value("flagged")),
            sort=sort,
        )
