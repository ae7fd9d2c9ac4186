from django.db import models
from django.utils.translation import gettext_lazy as _


class DaysBasis(models.IntegerChoices):
    ACTUAL = 365, _("365 days (calendar days)")
    BANKING = 360, _("360 days (30 days a month)")


class InsightsSettings(models.Model):
    """How the company computes its DSO: the year basis (365 calendar days, or 360 with 30-day
    months as Banque de France ratios do) and the window of the ratio method in months.

    One row per installation, created on first read (``insights_settings_get``)."""

    days_basis = models.PositiveSmallIntegerField(
        _("DSO days basis"), choices=DaysBasis.choices, default=DaysBasis.ACTUAL
    )
    ratio_months = models.PositiveSmallIntegerField(
        _("months of revenue in the ratio method"), default=3
    )

    class Meta:
        verbose_name = _("insights settings")
        verbose_name_plural = _("insights settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_basis__in=[360, 365]), name="insights_days_basis_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ratio_months__gte=1, ratio_months__lte=12),
                name="insights_ratio_months_valid",
            ),
        ]

    def __str__(self):
        return "DSO settings"


from .models_reports import MonthlyReport, ReportDelivery, ReportSettings  # noqa: E402, F401
