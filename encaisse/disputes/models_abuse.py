"""False disputes: the thresholds and weights of the per-customer abuse score (one row, edited by
a credit manager) and the stored scores, refreshed daily by ``abuse_scores_refresh``.

Imported by ``models.py`` so Django registers them with the disputes app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Each signal of the score (abuse/scoring.py) with its default weight.
DEFAULT_WEIGHTS = {
    "unfounded": 40,
    "after_dunning": 20,
    "near_due": 10,
    "whole_no_evidence": 15,
    "not_received": 10,
    "confirmed": 15,
    "late_evidence": 5,
}


def _weight(signal: str, label):
    return models.PositiveSmallIntegerField(label, default=DEFAULT_WEIGHTS[signal])


class AbuseSettings(models.Model):
    """The thresholds and weights of the abuse score; one row (``AbuseSettings.current()``)."""

    flag_threshold = models.PositiveSmallIntegerField(
        _("flag from score"), default=50, help_text=_("Out of 100.")
    )
    min_disputes = models.PositiveSmallIntegerField(
        _("minimum disputes before flagging"), default=3
    )
    lookback_days = models.PositiveSmallIntegerField(_("history considered (days)"), default=730)
    near_due_days = models.PositiveSmallIntegerField(
        _("days around the due date"),
        default=5,
        help_text=_(
            "A dispute raised this close to the due date counts as raised at the due date."
        ),
    )
    evidence_late_days = models.PositiveSmallIntegerField(
        _("days to provide evidence"),
        default=10,
        help_text=_("Evidence first provided later than this (or never) counts as late."),
    )
    not_received_codes = models.CharField(
        _('"invoice not received" reason codes'),
        max_length=100,
        default="F3",
        help_text=_("Comma-separated."),
    )
    weight_unfounded = _weight("unfounded", _("weight: resolved as unfounded"))
    weight_after_dunning = _weight("after_dunning", _("weight: raised after reminders"))
    weight_near_due = _weight("near_due", _("weight: raised at the due date"))
    weight_whole_no_evidence = _weight(
        "whole_no_evidence", _("weight: whole amount without evidence")
    )
    weight_not_received = _weight("not_received", _('weight: repeated "invoice not received"'))
    weight_confirmed = _weight("confirmed", _("weight: confirmed on a courtesy call"))
    weight_late_evidence = _weight("late_evidence", _("weight: late evidence"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("abuse score settings")
        verbose_name_plural = _("abuse score settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(flag_threshold__lte=100), name="abuse_threshold_lte_100"
            )
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "AbuseSettings":
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls()

    def weights(self) -> dict[str, int]:
        return {signal: getattr(self, f"weight_{signal}") for signal in DEFAULT_WEIGHTS}

    def not_received_code_list(self) -> list[str]:
        return [c.strip() for c in self.not_received_codes.split(",") if c.strip()]


class AbuseScore(models.Model):
    """A customer's abuse score as of the last refresh, with the reasons (signal codes and
    counts, rendered in the reader's language) and the features it was computed from."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="abuse_score",
    )
    score = models.PositiveSmallIntegerField(_("abuse score"))
    flagged = models.BooleanField(_("flagged"), default=False)
    disputes = models.PositiveIntegerField(_("disputes"))
    reasons = models.JSONField(_("reasons"), default=list)
    features = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    as_of = models.DateField(_("as of"))

    class Meta:
        ordering = ["-score", "customer_id"]
        verbose_name = _("abuse score")
        verbose_name_plural = _("abuse scores")
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="abuse_score_lte_100")
        ]
        indexes = [
            models.Index(
                fields=["-score", "customer"], condition=Q(flagged=True), name="abuse_flagged_idx"
            )
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.score}"
