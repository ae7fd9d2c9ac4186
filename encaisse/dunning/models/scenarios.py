"""Scenarios and their steps, and which scenario applies to a segment or a customer."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import (
    Channel,
    Performer,
)
from .base import MONEY


class Scenario(models.Model):
    """An ordered list of steps (a dunning procedure). One is the default for customers whose
    segment has no mapping and who have no scenario of their own."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default scenario"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dunning scenario")
        verbose_name_plural = _("dunning scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="scenario_one_default"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(active=True), name="scenario_default_active"
            ),
        ]

    def __str__(self):
        return self.name


class Step(models.Model):
    """One step of a scenario: on ``offset_days`` from the due date (negative: before it), do
    ``channel`` with ``template_code`` when the invoice's amount due reaches ``min_amount``.

    Steps are ordered by their offset, unique within a scenario, so an invoice's progress is
    a number (the offset of the last step reached) that survives edits of the steps."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=100)
    offset_days = models.SmallIntegerField(
        _("days from the due date"), help_text=_("Negative: before the due date.")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    template_code = models.SlugField(_("template"), max_length=64, blank=True)
    min_amount = models.DecimalField(
        _("minimum amount due"), **MONEY, default=0, help_text=_("Per invoice, in euros.")
    )
    performer = models.CharField(
        _("performed by"), max_length=16, choices=Performer.choices, default=Performer.COLLECTOR
    )
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    include_penalties = models.BooleanField(
        _("includes late-payment penalties"),
        default=False,
        help_text=_("Formal notices: add the L441-10 penalties and the 40 euro indemnity."),
    )

    class Meta:
        ordering = ["scenario", "offset_days"]
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning steps")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "offset_days"], name="step_unique_offset"),
            models.CheckConstraint(condition=Q(min_amount__gte=0), name="step_min_amount_gte_0"),
        ]

    def __str__(self):
        sign = "+" if self.offset_days >= 0 else "-"
        return f"J{sign}{abs(self.offset_days)} {self.name}"


class SegmentScenario(models.Model):
    """The scenario of a customer segment. Lives here (not on customers.Segment) so the
    customers app does not depend on dunning."""

    segment = models.OneToOneField(
        "customers.Segment", on_delete=models.CASCADE, related_name="dunning_scenario"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="segments")

    class Meta:
        verbose_name = _("segment scenario")
        verbose_name_plural = _("segment scenarios")

    def __str__(self):
        return f"{self.segment} -> {self.scenario}"


class CustomerDunningProfile(models.Model):
    """What is particular to one customer's dunning: a scenario overriding the segment's, and a
    contractual late-payment rate replacing the legal default (ECB + 10 points)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="dunning_profile"
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_profiles",
    )
    penalty_rate = models.DecimalField(
        _("contractual penalty rate (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Empty: ECB main refinancing rate + 10 points (L441-10)."),
    )

    class Meta:
        verbose_name = _("customer dunning profile")
        verbose_name_plural = _("customer dunning profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(penalty_rate__isnull=True) | Q(penalty_rate__gte=0),
                name="profile_penalty_rate_gte_0",
            )
        ]

    def __str__(self):
        return str(self.customer)
