"""Forms of the receivables pages: the invoice list's filters, the invoice edit form and the
aged balance's options. Filter forms read the query string and hand plain values to
``filters.invoices_matching`` and ``selectors.aged_balance``; they never query themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.choices import Role
from encaisse.accounts.models import User
from encaisse.core.dates import AgeBucket
from encaisse.core.templatetags.encaisse import bucket_label
from encaisse.customers.models import Segment

from .choices import InvoiceKind, InvoiceStatus
from .filters import DEFAULT_SORT, InvoiceCriteria
from .models import Invoice

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

STATUS_OPEN, STATUS_OVERDUE, STATUS_SETTLED, STATUS_ALL = "open", "overdue", "settled", "all"


class InvoiceFilterForm(forms.Form):
    """The invoice list's filters, from the query string. Always valid enough to list: a field
    with a bad value is reported and left out."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, _("Open")),
            (STATUS_OVERDUE, _("Overdue")),
            (STATUS_SETTLED, _("Settled")),
            (STATUS_ALL, _("All")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *InvoiceKind.choices]
    )
    bucket = forms.ChoiceField(label=_("Age"), required=False)
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    due_after = forms.DateField(label=_("Due from"), required=False, widget=DATE_INPUT)
    due_before = forms.DateField(label=_("Due until"), required=False, widget=DATE_INPUT)
    min_amount = forms.DecimalField(
        label=_("Minimum amount"), required=False, max_digits=14, decimal_places=2
    )
    max_amount = forms.DecimalField(
        label=_("Maximum amount"), required=False, max_digits=14, decimal_places=2
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due_date", _("Due date, oldest first")),
            ("-due_date", _("Due date, latest first")),
            ("-amount", _("Amount, largest first")),
            ("amount", _("Amount, smallest first")),
            ("-open_amount", _("Open amount, largest first")),
            ("open_amount", _("Open amount, smallest first")),
        ],
    )

    def __init__(self, data=None, *, buckets: list[AgeBucket]):
        super().__init__(data)
        self.buckets = {b.key: b for b in buckets}
        self.fields["bucket"].choices = [
            ("", _("All")),
            *((b.key, bucket_label(b)) for b in buckets),
        ]
        for name in ("min_amount", "max_amount"):
            self.fields[name].widget.attrs["step"] = "0.01"

    def _value(self, name):
        return self.cleaned_data.get(name) if name not in self.errors else None

    def criteria(self) -> InvoiceCriteria:
        """What the valid fields ask for (call after ``is_valid()``). Open invoices by default."""
        status = self._value("status") or STATUS_OPEN
        return InvoiceCriteria(
            status={
                STATUS_OPEN: InvoiceStatus.OPEN,
                STATUS_OVERDUE: InvoiceStatus.OPEN,
                STATUS_SETTLED: InvoiceStatus.SETTLED,
            }.get(status),
            overdue=True if status == STATUS_OVERDUE else None,
            kind=self._value("kind") or None,
            bucket=self.buckets.get(self._value("bucket") or ""),
            customer_id=self._value("customer_id"),
            customer_search=(self._value("customer") or "").strip() or None,
            number_prefix=(self._value("number") or "").strip() or None,
            due_after=self._value("due_after"),
            due_before=self._value("due_before"),
            min_amount=self._value("min_amount"),
            max_amount=self._value("max_amount"),
        )

    def ordering(self) -> str:
        return self._value("sort") or DEFAULT_SORT


class InvoiceEditForm(forms.ModelForm):
    """What a user may correct on an invoice by hand; amounts come from the accounting."""

    class Meta:
        model = Invoice
        fields = ["due_date", "reference", "label"]
        widgets = {"due_date": DATE_INPUT}


def _collector_choices():
    users = User.objects.filter(
        is_active=True, role__in=[Role.ADMIN, Role.CREDIT_MANAGER, Role.COLLECTOR]
    ).order_by("username")
    return [
        ("", _("All collectors")),
        *((str(u.pk), u.get_full_name() or u.username) for u in users),
    ]


class AgedBalanceForm(forms.Form):
    """The aged balance's options: the date, who follows the customers, the segment, the order."""

    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_INPUT)
    collector = forms.TypedChoiceField(
        label=_("Collector"), required=False, coerce=int, empty_value=None
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        required=False,
        queryset=Segment.objects.all(),
        empty_label=_("All segments"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("code", _("Customer code")),
            ("balance", _("Balance, largest first")),
            ("overdue", _("Overdue, largest first")),
        ],
    )

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["collector"].choices = _collector_choices()
