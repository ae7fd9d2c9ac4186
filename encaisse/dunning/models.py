"""Dunning: scenarios of steps around the due date, what stops them (blocks, holds, promises),
the daily run, the actions it creates and the per-invoice state that makes it idempotent.

The run (``services/run.py``) reads open invoices, resolves each customer's scenario
(customer profile > segment mapping > default scenario), finds the most advanced step due for
each invoice and writes, in a few set-based statements, one Action per customer and channel
with one ActionInvoice line per invoice, then moves each invoice's InvoiceDunningState."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ActionSource,
    ActionStatus,
    BlockKind,
    CallOutcome,
    Channel,
    EventKind,
    Performer,
    Priority,
    PromiseStatus,
    RateKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


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


class Block(models.Model):
    """Something that stops dunning: on a whole customer (``invoice`` empty) or on one invoice,
    optionally on part of it (``blocked_amount``: the rest is still dunned).

    Holds and blocks are one model with a kind because the run treats them alike (an active one
    excludes what it covers) and the timeline shows them alike; they differ in who creates
    them and in the rules of their services: a hold needs an end date, a dispute block is
    created and released by the disputes feature (which keeps a link to its block). Active
    means started, not released, and not ended: the run releases (``released_at``) blocks whose
    ``ends_on`` has passed."""

    kind = models.CharField(_("kind"), max_length=16, choices=BlockKind.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="dunning_blocks"
    )
    invoice = models.ForeignKey(
        "receivables.Invoice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dunning_blocks",
    )
    blocked_amount = models.DecimalField(
        _("blocked amount"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Empty: the whole invoice."),
    )
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("dunning block")
        verbose_name_plural = _("dunning blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(blocked_amount__isnull=True)
                | Q(blocked_amount__gt=0, invoice__isnull=False),
                name="block_amount_on_invoice",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="block_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind=BlockKind.HOLD) | Q(ends_on__isnull=False),
                name="block_hold_has_end",
            ),
        ]
        indexes = [
            models.Index(
                fields=["invoice"],
                condition=Q(released_at__isnull=True, invoice__isnull=False),
                name="block_active_invoice_idx",
            ),
            models.Index(
                fields=["customer"],
                condition=Q(released_at__isnull=True, invoice__isnull=True),
                name="block_active_customer_idx",
            ),
            models.Index(
                fields=["ends_on"], condition=Q(released_at__isnull=True), name="block_ends_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.reason[:60]}"


class PromiseToPay(models.Model):
    """A customer's promise to pay ``amount`` by ``promised_on`` on some invoices. Dunning of
    those invoices pauses until ``promised_on + grace_days``; then the run computes the outcome
    from what was paid on them since the promise (``PromiseInvoice.open_amount_at_promise``)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="payment_promises"
    )
    invoices = models.ManyToManyField(
        "receivables.Invoice", through="PromiseInvoice", related_name="payment_promises"
    )
    amount = models.DecimalField(_("amount promised"), **MONEY)
    promised_on = models.DateField(_("promised payment date"))
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=3)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    paid_amount = models.DecimalField(
        _("amount paid"), **MONEY, default=0, help_text=_("Computed when the promise is resolved.")
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-promised_on", "-id"]
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=PromiseStatus.OPEN, resolved_on__isnull=True)
                | (~Q(status=PromiseStatus.OPEN) & Q(resolved_on__isnull=False)),
                name="promise_resolved_when_closed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["promised_on"],
                condition=Q(status=PromiseStatus.OPEN),
                name="promise_open_idx",
            ),
            models.Index(fields=["customer", "-promised_on"], name="promise_customer_idx"),
        ]

    def __str__(self):
        return f"{self.customer} {self.amount} @ {self.promised_on}"


class PromiseInvoice(models.Model):
    promise = models.ForeignKey(PromiseToPay, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(
        "receivables.Invoice", on_delete=models.CASCADE, related_name="promise_lines"
    )
    open_amount_at_promise = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["promise", "invoice"], name="promise_invoice_once")
        ]
        indexes = [models.Index(fields=["invoice"], name="promise_line_invoice_idx")]

    def __str__(self):
        return f"{self.promise_id}: {self.invoice_id}"


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

    The foreign keys the run fills in bulk (here, on ActionInvoice and on InvoiceDunningState)
    have no database constraint: the run writes ids it has just read in the same transaction,
    deletions cascade through Django, and on PostgreSQL each constraint would cost one deferred
    look-up per row at commit (about a minute for a million rows).

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
    template_code = models.SlugField(_("template"), max_length=64, blank=True)
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
        PromiseToPay, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
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
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
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
