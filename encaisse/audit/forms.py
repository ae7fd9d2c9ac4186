from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.models import User

from .labels import ACTION_LABELS, object_type_choices
from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    """The log page's filters, read from the query string. Invalid values are reported on the
    form and ignored, so a mistyped date never empties the page."""

    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=User.objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, code, number")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All")), *object_type_choices()]
        self.fields["action"].choices = [("", _("All")), *ACTION_LABELS.items()]
        self.fields["actor"].empty_label = _("Anyone")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        # Always bound (to request.GET): cleaned_data keeps the fields that are valid.
        self.is_valid()
        data = self.cleaned_data
        actor = data.get("actor")
        return AuditFilters(
            object_type=data.get("object_type") or "",
            actor_id=actor.pk if actor else None,
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=(data.get("q") or "").strip(),
        )
