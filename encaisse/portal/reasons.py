"""The reasons a customer picks from when raising a dispute, in the customer's words, each
mapped to a reason code of the shipped codification (``disputes/migrations/0002``). A code that
was removed or deactivated leaves the dispute unqualified: a user qualifies it."""

from django.utils.translation import gettext_lazy as _

from encaisse.disputes.models import ReasonCode

REASONS = [
    ("price", _("The price or the discount is wrong"), "A1"),
    ("duplicate", _("This invoice was billed twice"), "A2"),
    ("vat", _("The VAT is wrong"), "A3"),
    ("delivery", _("We did not receive what we ordered"), "B1"),
    ("defective", _("The goods are defective"), "B2"),
    ("agreement", _("It does not match what was agreed with your salesperson"), "C1"),
    ("repair", _("A repair or an intervention is still due"), "D1"),
    ("quality", _("The product or service does not meet the specification"), "E1"),
    ("purchase_order", _("We have no purchase order for it"), "F1"),
    ("address", _("The address or the company name on the invoice is wrong"), "F2"),
    ("not_received", _("We never received the invoice"), "F3"),
    ("other", _("Something else (tell us below)"), None),
]
CHOICES = [(key, label) for key, label, _code in REASONS]
CODES = {key: code for key, _label, code in REASONS}


def reason_code_for(key: str) -> ReasonCode | None:
    code = CODES.get(key)
    if code is None:
        return None
    return ReasonCode.objects.filter(code=code, active=True).first()
