"""Reference rates for late-payment penalties (ECB main refinancing rate, legal rate)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    RateKind,
)


class ReferenceRate(models.Model):
    """A half-year's reference rate, in percent: the ECB main refinancing rate in force on
    ``starts_on`` (1 January or 1 July), which L441-10 applies for the whole half-year, or the
    legal interest rate of that half-year (the floor check of a contractual rate). One row per
    kind and half-year; penalties refuse a half-year without its row rather than extrapolate."""

    kind = models.CharField(_("kind"), max_length=24, choices=RateKind.choices)
    starts_on = models.DateField(_("half-year starting on"))
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=255, blank=True)
    confirmed = models.BooleanField(
        _("confirmed"), default=True, help_text=_("Unchecked: read in one unofficial source.")
    )

    class Meta:
        ordering = ["kind", "starts_on"]
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "starts_on"], name="rate_unique_start")
        ]

    def __str__(self):
        return f"{self.kind} {self.starts_on}: {self.rate}%"
