from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from encaisse.customers.models import Segment
from encaisse.customers.validators import compact_identifier

from .models import Company
from .services import MAX_TERMS_DAYS
from .terms import format_bucket_bounds, parse_bucket_bounds


class CompanyForm(forms.ModelForm):
    """The settings page. The ageing buckets are typed as text ("30, 60, 90") and read into a
    list. Views give it a copy of the company: validating a ModelForm writes onto its instance,
    and the service diffs the stored row."""

    # Typed with spaces ("552 100 554"): stored compact, so longer than the model's column.
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=20,
        required=False,
        help_text=_("9 digits; spaces are ignored."),
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=30,
        required=False,
        help_text=_("For a French company: FR, a 2-digit key and the SIREN."),
    )
    aging_bucket_bounds = forms.CharField(
        label=_("Ageing buckets"),
        max_length=100,
        help_text=_("Upper bounds in days past due, separated by commas: 30, 60, 90."),
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "legal_form",
            "siren",
            "vat_number",
            "address",
            "email",
            "phone",
            "default_terms_kind",
            "default_terms_days",
            "aging_bucket_bounds",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["aging_bucket_bounds"] = format_bucket_bounds(
            self.instance.aging_bucket_bounds or []
        )
        # The section's title already says "default payment terms".
        self.fields["default_terms_kind"].label = _("Kind")
        days = self.fields["default_terms_days"]
        days.label = _("N (days)")
        days.validators.append(MaxValueValidator(MAX_TERMS_DAYS))
        days.widget.attrs.update({"min": 0, "max": MAX_TERMS_DAYS})

    def clean_siren(self):
        return compact_identifier(self.cleaned_data["siren"])

    def clean_vat_number(self):
        return compact_identifier(self.cleaned_data["vat_number"])

    def clean_aging_bucket_bounds(self):
        try:
            return parse_bucket_bounds(self.cleaned_data["aging_bucket_bounds"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["code", "name"]
