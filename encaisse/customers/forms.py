from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Contact, Customer
from .selectors import DEFAULT_SORT, CustomerFilters, collector_choices, segment_choices
from .services import CONTACT_FIELDS, CUSTOMER_FIELDS
from .validators import compact_identifier

MINE = "me"
UNASSIGNED = "none"
SORT_CHOICES = [
    ("overdue", _("Overdue amount")),
    ("open_balance", _("Open balance")),
    ("name", _("Name")),
    ("code", _("Code")),
]


class CustomerFilterForm(forms.Form):
    """The list page's filters; the same names are the API's query parameters."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, code or SIREN"), "autofocus": True}
        ),
    )
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=None, required=False, empty_label=_("All segments")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    on_hold = forms.BooleanField(label=_("On hold only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segment_choices()
        people = [(str(user.pk), str(user)) for user in collector_choices()]
        self.fields["collector"].choices = [
            ("", _("All collectors")),
            (MINE, _("My customers")),
            (UNASSIGNED, _("No collector")),
            *people,
        ]

    def to_filters(self, user) -> CustomerFilters:
        """The filters asked for; fields that did not validate are ignored."""
        self.is_valid()  # cleaned_data then holds the fields that validated
        data = self.cleaned_data
        collector = data.get("collector") or ""
        segment = data.get("segment")
        collector_id = None
        if collector == MINE:
            collector_id = user.pk
        elif collector.isdigit():
            collector_id = int(collector)
        return CustomerFilters(
            q=data.get("q") or "",
            collector_id=collector_id,
            unassigned=collector == UNASSIGNED,
            segment_id=segment.pk if segment else None,
            overdue=bool(data.get("overdue")),
            on_hold=True if data.get("on_hold") else None,
            sort=data.get("sort") or DEFAULT_SORT,
        )


def _identifier_field(name: str, help_text="") -> forms.CharField:
    """Room for spaces as people type them (``552 100 554``); stored compacted."""
    label = capfirst(Customer._meta.get_field(name).verbose_name)
    return forms.CharField(label=label, required=False, max_length=40, help_text=help_text)


class CustomerForm(forms.ModelForm):
    """Create or edit a customer. Views give it a fresh instance; the service re-reads the row
    and diffs it, so the form's copy may hold the new values."""

    siren = _identifier_field("siren", _("9 digits; spaces are ignored."))
    siret = _identifier_field("siret", _("14 digits: the SIREN then the establishment number."))
    vat_number = _identifier_field("vat_number")

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": _("The account code in your accounting software: imports match on it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].queryset = collector_choices()
        self.fields["salesperson"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["segment"].queryset = segment_choices()

    FIELDSETS = [
        (_("Identity"), ["code", "name", "siren", "siret", "vat_number", "segment", "language"]),
        (
            _("Collection"),
            ["collector", "salesperson", "terms_kind", "terms_days", "credit_limit", "on_hold"],
        ),
        (
            _("Contact details"),
            ["email", "phone", "address", "postal_code", "city", "country", "notes"],
        ),
    ]

    def fieldsets(self):
        """The fields in three groups, for the page's layout."""
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def _compact(self, name):
        return compact_identifier(self.cleaned_data.get(name) or "")

    def clean_siren(self):
        return self._compact("siren")

    def clean_siret(self):
        return self._compact("siret")

    def clean_vat_number(self):
        return self._compact("vat_number")

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "is_billing_contact": _(
                "Reminders go to the billing contact first. A customer has one: choosing this "
                "contact takes the role from the previous one."
            )
        }
