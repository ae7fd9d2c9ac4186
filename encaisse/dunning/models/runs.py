"""The daily run, the actions it creates, their events and the per-invoice dunning state."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import (
    ActionSource,
    ActionStatus,
    CallOutcome,
    Channel,
    EventKind,
    Priority,
)
from .base import MONEY
from .scenarios import Step
from .stops import PromiseToPay


class Run(models.Model):
    """One dunning run (daily by the worker, or ``encaisse dunning run``) and what it did.
    A dry run is recorded with its counts but leaves no action and no state behind."""

    as_of = models.DateField(_("as of"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triggered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invoices_considered = models.PositiveIntegerField(_("open invoices considered"), default=0)
    invoices_dunned = models.PositiveIntegerField(_("invoices moved to a step"), default=0)
    actions_created = models.PositiveIntegerField(_("actions created"), default=0)
    skipped_on_hold = models.PositiveIntegerField(_("skipped: on hold"), default=0)
    skipped_blocked = models.PositiveIntegerField(_("skipped: blocked"), default=0)
    skipped_promise = models.PositiveIntegerField(_("skipped: promise to pay"), default=0)
    skipped_threshold = models.PositiveIntegerField(_("skipped: under the minimum"), default=0)
    reanchored = models.PositiveIntegerField(_("re-anchored by a partial payment"), default=0)
    blocks_released = models.PositiveIntegerField(_("blocks and holds released"), default=0)
    promises_kept = models.PositiveIntegerField(_("promises kept"), default=0)
    promises_partly_kept = models.PositiveIntegerField(_("promises partly kept"), default=0)
    promises_broken = models.PositiveIntegerField(_("promises broken"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        indexes = [models.Index(fields=["-as_of", "-id"], name="run_as_of_idx")]

    def __str__(self):
        return f"{self.as_of} ({self.pk})"


class Action(models.Model):
    """Something to do for a customer: a call, an email, a letter, a formal notice or an
    internal task, listing the invoices it is about (ActionInvoice) and their total.

    The foreign keys of the tables the run fills in bulk (here, on ActionInvoice and on
    InvoiceDunningState) have no database constraint: the run writes ids it has just read in
    the same transaction, deletions cascade through Django, and on PostgreSQL each constraint
    would cost one deferred look-up per row at commit (about a minute for a million rows). That
    holds for the keys the run leaves empty too (``promise``, ``created_by``, ``approved_by``,
    ``done_by``): PostgreSQL queues one trigger event per inserted row and constraint even for
    a NULL key (1.8 of the 7.3 server CPU s of inserting 351k actions, measured).

    The run creates one per customer and channel (``step`` is the most advanced step among
    its lines, whose template it uses); a broken promise creates a high-priority call; people
    create manual ones. Emails and letters are sent by the correspondence feature, which moves
    them to done."""

    # Foreign keys without their own index where another index leads with them, or where
    # nothing looks actions up by them: the run inserts hundreds of thousands of rows.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="dunning_actions",
        db_index=False,  # action_customer_idx
        db_constraint=False,
    )
    source = models.CharField(_("source"), max_length=16, choices=ActionSource.choices)
    step = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # Not indexed: nothing looks actions up by template, and the run inserts them in bulk.
    template_code = models.SlugField(_("template"), max_length=64, blank=True, db_index=False)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dunning_actions",
        db_constraint=False,
    )
    run = models.ForeignKey(
        Run,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        db_constraint=False,
    )
    promise = models.ForeignKey(
        PromiseToPay,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        db_index=False,  # action_promise_idx, partial: most actions have no promise
        db_constraint=False,
    )
    due_on = models.DateField(_("due on"))
    total = models.DecimalField(_("total"), **MONEY, default=0)
    include_penalties = models.BooleanField(_("includes penalties"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # db_default: the run inserts actions in raw SQL that does not name this column.
    outcome = models.CharField(
        _("call outcome"), max_length=20, choices=CallOutcome.choices, blank=True, db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("dunning action")
        verbose_name_plural = _("dunning actions")
        constraints = [
            # The run groups per customer and channel: at most one scenario action of each.
            models.UniqueConstraint(
                fields=["run", "customer", "channel"],
                condition=Q(source=ActionSource.SCENARIO),
                name="action_one_per_run_customer_channel",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="action_total_gte_0"),
        ]
        indexes = [
            models.Index(fields=["customer", "-due_on"], name="action_customer_idx"),
            models.Index(
                fields=["assigned_to", "due_on"],
                condition=Q(status__in=[ActionStatus.PLANNED, ActionStatus.AWAITING_APPROVAL]),
                name="action_todo_idx",
            ),
            models.Index(fields=["status", "channel", "due_on"], name="action_status_idx"),
            # The actions done in a period (the collectors' activity of the current month): an
            # equality and a range, usable whether the status is a literal or a parameter.
            models.Index(fields=["status", "done_at"], name="action_done_idx"),
            models.Index(
                fields=["promise"], condition=Q(promise__isnull=False), name="action_promise_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.customer} {self.due_on}"


class ActionInvoice(models.Model):
    """One invoice an action is about, with the amount it asks for: the open amount net of
    blocked (disputed) amounts, penalties excluded, at the time of the action."""

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,  # action_invoice_once leads with it
        db_constraint=False,
    )
    invoice = models.ForeignKey(
        "receivables.Invoice",
        on_delete=models.CASCADE,
        related_name="dunning_lines",
        db_constraint=False,
    )
    step = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    amount_due = models.DecimalField(_("amount due"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "invoice"], name="action_invoice_once"),
            models.CheckConstraint(condition=Q(amount_due__gt=0), name="action_invoice_due_gt_0"),
        ]

    def __str__(self):
        return f"{self.action_id}: {self.invoice_id} {self.amount_due}"


class ActionEvent(models.Model):
    """Something a person did in dunning, with who and when: a call outcome, an approval or a
    rejection (on ``action``), a manual action recorded after the fact, or a note on the
    customer (``action`` empty). The timeline is rendered from these rows and the actions."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="dunning_events",
        db_index=False,  # event_customer_idx
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    outcome = models.CharField(
        _("call outcome"), max_length=20, choices=CallOutcome.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("at"))
    notes = models.TextField(_("notes"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("dunning event")
        verbose_name_plural = _("dunning events")
        indexes = [models.Index(fields=["customer", "-at"], name="event_customer_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer_id} {self.at:%Y-%m-%d}"


class InvoiceDunningState(models.Model):
    """Where one open invoice stands in its scenario: the run's memory, so it is idempotent
    (a step reached is never fired again) and catches up (an invoice jumps to the step it
    should be at, once).

    Step offsets count from ``anchor_on``; empty means the invoice's due date (so a changed
    due date is followed). A partial payment re-anchors the invoice: ``anchor_on`` becomes the
    payment date minus the offset of the last step reached, so that step counts as reached on
    the payment date and the next steps keep their spacing from it. ``open_amount_seen`` is
    the open amount the run last saw, which is how it notices a payment."""

    invoice = models.OneToOneField(
        "receivables.Invoice",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="dunning_state",
        db_constraint=False,
    )
    last_step = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    last_offset = models.SmallIntegerField(null=True, blank=True)
    last_step_on = models.DateField(null=True, blank=True)
    anchor_on = models.DateField(null=True, blank=True, help_text="Empty: the due date.")
    open_amount_seen = models.DecimalField(**MONEY)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("invoice dunning state")
        verbose_name_plural = _("invoice dunning states")

    def __str__(self):
        return f"{self.invoice_id}: {self.last_offset}"
