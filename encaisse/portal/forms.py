from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .reasons import CHOICES
from .services import MAX_MESSAGE


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, image, Word or Excel document, text; 10 MB at most."),
    )


class SatisfactionForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RaiseForm(forms.Form):
    """One checkbox and one amount per invoice of the link (fields ``pick_<id>`` and
    ``amount_<id>``), the reason, the customer's words and a document."""

    reason = forms.ChoiceField(label=_("What is wrong?"), choices=CHOICES)
    words = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("Supporting document (optional)"),
        required=False,
        help_text=_("PDF, image, Word or Excel document, text; 10 MB at most."),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.invoice.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(required=False, initial=len(rows) == 1)
            self.fields[f"amount_{pk}"] = forms.DecimalField(
                required=False,
                min_value=Decimal("0.01"),
                max_value=row.room,
                decimal_places=2,
                initial=row.room,
                localize=True,
            )

    def lines(self):
        """(row, pick bound field, amount bound field) for the template."""
        return [
            (row, self[f"pick_{row.invoice.pk}"], self[f"amount_{row.invoice.pk}"])
            for row in self.rows
        ]

    def clean(self):
        data = super().clean()
        picked = []
        for row in self.rows:
            pk = row.invoice.pk
            if not data.get(f"pick_{pk}"):
                continue
            amount = data.get(f"amount_{pk}")
            if amount is None:
                if f"amount_{pk}" not in self.errors:
                    self.add_error(f"amount_{pk}", _("Enter the amount you dispute."))
                continue
            picked.append((row.invoice, amount))
        if not picked and not self.errors:
            raise forms.ValidationError(_("Tick at least one invoice."))
        if data.get("reason") == "other" and not (data.get("words") or "").strip():
            self.add_error("words", _("Tell us what is wrong."))
        data["invoices_amounts"] = picked
        return data
