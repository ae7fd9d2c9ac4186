"""Forms of the worklist, call and customer timeline pages. They only read input; the
services in services/ decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CallOutcome, Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    promised_on = forms.DateField(label=_("Payment promised on"), required=False, widget=DATE)
    promised_amount = forms.DecimalField(
        label=_("Amount promised"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Empty: the amount of the call."),
    )
    call_back_on = forms.DateField(label=_("Call back on"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    notes = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class ManualActionForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    done = forms.BooleanField(label=_("Already done"), required=False, initial=True)
    due_on = forms.DateField(label=_("Planned on"), required=False, widget=DATE)
    invoices = forms.MultipleChoiceField(
        label=_("Invoices"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(str(i.pk), i.number) for i in invoices]


class PromiseForm(forms.Form):
    promised_on = forms.DateField(label=_("Payment promised on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount promised"), min_value=0, decimal_places=2)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.CALL)
    invoices = forms.MultipleChoiceField(label=_("Invoices"), widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False)

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(str(i.pk), i.number) for i in invoices]


class HoldForm(forms.Form):
    invoice = forms.ChoiceField(label=_("On"), required=False)
    reason = forms.CharField(label=_("Reason"))
    ends_on = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].choices = [("", _("the whole customer"))] + [
            (str(i.pk), i.number) for i in invoices
        ]
