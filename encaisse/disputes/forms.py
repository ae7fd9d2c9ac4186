"""Forms of the disputes pages. They only read input; the services in services/ decide and
write (and their ValidationError messages are shown on the forms)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.capabilities import ROLE_CAPABILITIES, WORK_DISPUTES
from encaisse.accounts.models import Department
from encaisse.core.dates import today

from .choices import Origin, Outcome, Status
from .models import Category, ReasonCode, RootCause
from .worklist import ACTIVE, WorklistFilters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMMENT = forms.Textarea(attrs={"rows": 2})
FOUNDED_CHOICES = [("yes", _("Founded")), ("no", _("Not founded"))]


def owner_choices():
    """Who may own a dispute: active users whose role works disputes."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if WORK_DISPUTES in caps]
    return get_user_model().objects.filter(is_active=True, role__in=roles).order_by("username")


def _reason_codes():
    return ReasonCode.objects.filter(active=True).select_related("department")


class WorklistFilterForm(forms.Form):
    """The worklist's filters, read from the query string."""

    tab = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ACTIVE, _("Active")), ("", _("All"))] + list(Status.choices),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("All"),
    )
    reason_code = forms.ModelChoiceField(
        label=_("Reason code"),
        required=False,
        queryset=ReasonCode.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=owner_choices(), empty_label=_("All")
    )
    late = forms.BooleanField(label=_("Late only"), required=False)
    ready = forms.BooleanField(label=_("Ready to close"), required=False)

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and "status" not in data:
            data["status"] = ACTIVE
        super().__init__(data, initial={"status": ACTIVE}, **kwargs)
        self.fields["owner"].queryset = owner_choices()

    def to_filters(self) -> WorklistFilters:
        if not self.is_valid():
            return WorklistFilters(tab=self.data.get("tab", ""))
        data = self.cleaned_data
        return WorklistFilters(
            tab=data["tab"],
            status=data["status"],
            department=data["department"].code if data["department"] else "",
            reason_code=data["reason_code"].code if data["reason_code"] else "",
            owner_id=data["owner"].pk if data["owner"] else None,
            late=data["late"],
            ready=data["ready"],
        )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=COMMENT)


class ProposeForm(forms.Form):
    comment = forms.CharField(label=_("Solution proposed"), required=False, widget=COMMENT)


class QualifyForm(forms.Form):
    reason_code = forms.ModelChoiceField(label=_("Reason code"), queryset=_reason_codes())
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(active=True),
        empty_label=_("The code's"),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("name"),
        empty_label=_("The code's"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=owner_choices(),
        empty_label=_("The department's default owner"),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=COMMENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].queryset = _reason_codes()
        self.fields["owner"].queryset = owner_choices()


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move to"), choices=Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=COMMENT)

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to_status"].choices = [(s, Status(s).label) for s in allowed]


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    founded = forms.ChoiceField(label=_("Founded"), choices=FOUNDED_CHOICES)
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), required=False, queryset=RootCause.objects.filter(active=True)
    )
    credit_note_number = forms.CharField(
        label=_("Credit note number"), required=False, max_length=64
    )
    credit_note_amount = forms.DecimalField(
        label=_("Credit note amount"), required=False, decimal_places=2, max_digits=14
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=COMMENT)


class CreditNoteForm(ResolveForm):
    """The worklist's quick "attach a credit note": a resolution with a credit note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(Outcome.CREDIT_NOTE, Outcome.CREDIT_NOTE.label)]
        self.fields["outcome"].widget = forms.HiddenInput()
        self.fields["outcome"].initial = Outcome.CREDIT_NOTE


class HandOverForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=owner_choices(),
        empty_label=_("The department's default owner"),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=COMMENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the view reads them from ``request.FILES``."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True}),
    )


class DisputeNewForm(forms.Form):
    """The registration form; the invoices and their disputed amounts are read from the
    invoice table of the page (``invoice`` checkboxes and ``amount_<id>`` inputs)."""

    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.MANUAL)
    words = forms.CharField(
        label=_("Customer's words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the customer says, in their words."),
    )
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE)
    contact = forms.ChoiceField(label=_("Contact"), required=False)
    reason_code = forms.ModelChoiceField(
        label=_("Reason code"),
        required=False,
        queryset=_reason_codes(),
        empty_label=_("Qualify later"),
    )

    def __init__(self, *args, contacts=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("raised_on", today())
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "—")] + [(str(c.pk), str(c)) for c in contacts]
        self.fields["reason_code"].queryset = _reason_codes()
