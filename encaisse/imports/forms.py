import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import ImportMode
from .services import upload_check_size

FORMAT_CHOICES = [
    ("auto", _("Detect it")),
    ("fec", _("FEC")),
    ("csv", _("CSV")),
    ("xlsx", _("Excel (.xlsx)")),
]
MODE_CHOICES = [("", _("Default: snapshot for open items")), *ImportMode.choices]


class ImportForm(forms.Form):
    """The upload page: a file and the options of ``import_file``."""

    file = forms.FileField(label=_("File"), help_text=_("FEC, CSV or Excel (.xlsx)."))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    mode = forms.ChoiceField(label=_("Mode"), choices=MODE_CHOICES, required=False)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the file stands for. Default: today."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would change, write nothing"), required=False
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows (they are listed) instead of refusing the file"), required=False
    )
    mapping = forms.CharField(
        label=_("Column mapping (JSON, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": '{"number": "Pièce"}'}),
        help_text=_("Only when the headers are not recognised: field name to column header."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload_check_size(upload.size)
        return upload

    def clean_mapping(self):
        text = self.cleaned_data["mapping"].strip()
        if not text:
            return None
        try:
            mapping = json.loads(text)
        except ValueError:
            raise ValidationError(_("This is not valid JSON."))
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise ValidationError(_('Write an object of names, such as {"number": "Pièce"}.'))
        return mapping
