from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.customers.models import Customer


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 16}))
    customer = forms.CharField(
        label=_("Preview for the customer (code)"),
        max_length=64,
        required=False,
        help_text=_("Empty: the customer with the largest overdue balance."),
    )

    def clean_customer(self):
        code = self.cleaned_data["customer"].strip()
        if not code:
            return None
        customer = Customer.objects.filter(code=code).first()
        if customer is None:
            raise forms.ValidationError(_("No customer has the code %(code)s.") % {"code": code})
        return customer
