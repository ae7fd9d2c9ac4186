"""Preventive and corrective actions: what the company does about a root cause so that the
disputes it produces stop coming back. Recorded from a resolved dispute or from the statistics
(a root cause row), owned by someone, due on a date, followed through open -> in progress ->
done (or cancelled); every change appends a ``PreventiveActionEvent``.

The statistics compare, per root cause, the disputes raised before and after the date its
first action was done (``done_on``): the trend the dashboards show."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActionKind(models.TextChoices):
    CORRECTIVE = "corrective", _("Corrective")
    PREVENTIVE = "preventive", _("Preventive")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("preventive action", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# An action in one of these states is still to do: it can be late.
PENDING_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]

# Allowed moves: done and cancelled actions can be reopened (back to in progress).
ACTION_TRANSITIONS = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: {ActionStatus.IN_PROGRESS},
    ActionStatus.CANCELLED: {ActionStatus.OPEN},
}


class PreventiveAction(models.Model):
    root_cause = models.ForeignKey(
        "disputes.RootCause",
        verbose_name=_("root cause"),
        on_delete=models.PROTECT,
        related_name="preventive_actions",
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        verbose_name=_("source dispute"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preventive_actions",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActionKind.choices, default=ActionKind.PREVENTIVE
    )
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preventive_actions",
    )
    # The department that carries the action: department members see their department's.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="preventive_actions",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, done_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(done_on__isnull=True)),
                name="preventive_done_on_iff_done",
            ),
        ]
        indexes = [
            # The list: pending actions by due date (late ones first).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=PENDING_ACTION_STATUSES),
                name="preventive_pending_due_idx",
            ),
            models.Index(fields=["root_cause", "status"], name="preventive_cause_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.root_cause_id} {self.due_on:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_ACTION_STATUSES

    def is_late(self, on) -> bool:
        return self.is_pending and self.due_on < on


class PreventiveActionEvent(models.Model):
    """One line of an action's history: creation, edits (with the fields changed), status
    changes (who, when, from, to, the comment)."""

    class Type(models.TextChoices):
        CREATED = "created", _("Action recorded")
        UPDATED = "updated", _("Action changed")
        STATUS = "status", _("Status changed")

    action = models.ForeignKey(PreventiveAction, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("preventive action event")
        verbose_name_plural = _("preventive action events")

    def __str__(self):
        return f"{self.action_id} {self.type} {self.at:%Y-%m-%d}"
