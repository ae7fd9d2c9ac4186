"""French and EU company identifiers, checked with python-stdnum (Luhn keys, VAT check digits)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.fr import siren, siret


def _check(module, value, message):
    try:
        module.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(message, params={"value": value}) from None


def validate_siren(value: str):
    _check(siren, value, _("%(value)s is not a valid SIREN (9 digits with a valid key)."))


def validate_siret(value: str):
    _check(siret, value, _("%(value)s is not a valid SIRET (14 digits with a valid key)."))


def validate_vat_number(value: str):
    _check(vat, value, _("%(value)s is not a valid EU VAT number."))


def compact_identifier(value: str) -> str:
    return "".join(value.split()).upper()
