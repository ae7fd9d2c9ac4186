"""The reports page's forms: a month and a language to generate now, and the recipients."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.choices import Language
from encaisse.core.dates import today

from .reports import recipients_eligible

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReportGenerateForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def clean_month(self) -> dt.date:
        found = MONTH.match(self.cleaned_data["month"].strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(_("Give a month as YYYY-MM."))
        month = dt.date(int(found.group(1)), int(found.group(2)), 1)
        if month > today():
            raise forms.ValidationError(_("This month has not started yet."))
        return month


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name() or user.username
        return f"{name} <{user.email}> ({user.get_language_display()})"


class ReportRecipientsForm(forms.Form):
    recipients = UserChoice(
        label=_("Recipients"),
        queryset=recipients_eligible(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Users who see the ledger and have an email address; each gets the report in "
            "their language."
        ),
    )
