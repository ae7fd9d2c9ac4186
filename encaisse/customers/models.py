from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.choices import Language
from encaisse.company.models import TermsKindChoices

from .validators import validate_siren, validate_siret, validate_vat_number


class Segment(models.Model):
    """A group of customers that share a dunning approach (key accounts, SMEs, public sector)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name


class Customer(models.Model):
    code = models.CharField(_("customer code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, db_index=True, validators=[validate_siren]
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("VAT number"), max_length=20, blank=True, validators=[validate_vat_number]
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collected_customers",
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sold_customers",
    )
    terms_kind = models.CharField(
        _("payment terms"),
        max_length=16,
        choices=TermsKindChoices.choices,
        blank=True,
        help_text=_("Empty: the company default applies."),
    )
    terms_days = models.PositiveSmallIntegerField(_("payment days"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.TextField(_("address"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    on_hold = models.BooleanField(_("on hold"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # Balances kept by receivables.services.customer_balances_refresh (after every import,
    # payment and by the daily worker) so lists can filter and sort on them with an index.
    open_balance = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    overdue_balance = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    balances_as_of = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["-overdue_balance", "id"], name="customer_overdue_idx"),
            models.Index(fields=["-open_balance", "id"], name="customer_open_idx"),
            models.Index(fields=["collector", "-overdue_balance"], name="customer_collector_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    is_billing_contact = models.BooleanField(_("billing contact"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_billing_contact", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name
