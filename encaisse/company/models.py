from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.dates import DEFAULT_BUCKET_BOUNDS, TermsKind


class TermsKindChoices(models.TextChoices):
    NET = TermsKind.NET, _("N days")
    END_OF_MONTH = TermsKind.END_OF_MONTH, _("N days, end of month")
    END_OF_MONTH_THEN = TermsKind.END_OF_MONTH_THEN, _("End of month, then N days")


def validate_bucket_bounds(value):
    if not isinstance(value, list) or not value or not all(isinstance(v, int) for v in value):
        raise ValidationError(_("Enter a list of whole numbers of days, such as 30, 60, 90."))
    if sorted(set(value)) != value or value[0] <= 0:
        raise ValidationError(_("The bounds must be positive and increasing."))


def default_bucket_bounds():
    return list(DEFAULT_BUCKET_BOUNDS)


class Company(models.Model):
    """The company that uses this Encaisse installation (one per installation).

    Holds the defaults that the ledger falls back on: payment terms for customers without their
    own, the ageing buckets, the currency, and the letterhead that later features print."""

    name = models.CharField(_("name"), max_length=200, default="Ma Société")
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    default_terms_kind = models.CharField(
        _("default payment terms"),
        max_length=16,
        choices=TermsKindChoices.choices,
        default=TermsKind.NET,
    )
    default_terms_days = models.PositiveSmallIntegerField(_("default payment days"), default=30)
    aging_bucket_bounds = models.JSONField(
        _("ageing buckets (upper bounds in days)"),
        default=default_bucket_bounds,
        validators=[validate_bucket_bounds],
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("company")

    def __str__(self):
        return self.name
