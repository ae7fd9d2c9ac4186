"""Disputes (litiges): a case owned by a department, timed by its reason code, with the invoices
and the amounts the customer contests, a timeline of events and evidence files.

While a dispute is active, each disputed invoice carries a dunning block on its disputed amount
(``DisputedInvoice.block``): the dunning run then asks only for the undisputed remainder."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    ACTIVE_STATUSES,
    SETTLED_STATUSES,
    Escalation,
    EventType,
    FollowUpChannel,
    Origin,
    Outcome,
    Status,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
ACTIVE = Q(status__in=ACTIVE_STATUSES)


class Category(models.Model):
    """A broad family of disputes (administrative, commercial, quality...), configurable."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("dispute category")
        verbose_name_plural = _("dispute categories")

    def __str__(self):
        return self.name


class ReasonCode(models.Model):
    """One code of the codification (A1 "price or discount error"...): the department that must
    act and the number of business days it has to resolve."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    label = models.CharField(_("label"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reason_codes"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="reason_codes",
    )
    waiting_for = models.CharField(_("waiting for"), max_length=200, blank=True)
    target_days = models.PositiveSmallIntegerField(
        _("target resolution (business days)"), default=10
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")
        constraints = [
            models.CheckConstraint(condition=Q(target_days__gte=1), name="reason_target_days_gte_1")
        ]

    def __str__(self):
        return f"{self.code} {self.label}"


class RootCause(models.Model):
    """Why the dispute really happened (found at resolution), distinct from the customer's
    stated reason: what preventive actions and the Pareto of causes count."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self):
        return self.name


class DisputeCounter(models.Model):
    """The last number given each year (LIT-2026-00042): incremented by an UPDATE inside the
    transaction that creates the dispute, so two concurrent creations never get one number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Dispute(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    words = models.TextField(_("customer's words"), blank=True)
    raised_on = models.DateField(_("raised on"))
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    reason_code = models.ForeignKey(
        ReasonCode,
        verbose_name=_("reason code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_disputes",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_disputes",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    disputed_total = models.DecimalField(_("disputed amount"), **MONEY, default=0)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    at_risk_on = models.DateField(_("at risk from"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    credit_note_number = models.CharField(_("credit note number"), max_length=64, blank=True)
    credit_note_amount = models.DecimalField(
        _("credit note amount"), **MONEY, null=True, blank=True
    )
    root_cause = models.ForeignKey(
        RootCause,
        verbose_name=_("root cause"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    founded = models.BooleanField(_("founded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # The local date of ``resolved_at`` and the days from ``raised_on`` to it, stored by the
    # services that resolve and reopen (``resolution_set``) so that the statistics read two
    # plain columns instead of converting a datetime per row (NULL while not resolved).
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, editable=False)
    resolution_days = models.IntegerField(
        _("days to resolve"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # "Ready to close" (``selectors.ready_to_close``: active, and every line's disputed amount
    # cleared by a settlement or a credit note), kept by database triggers on the dispute, its
    # lines, the invoices' open amounts and the credit-note allocations (migration 0008), so
    # that every writer (services, imports, SQL by hand) keeps it; the worklist's "ready to
    # close" filter reads it through ``dispute_ready_idx`` instead of testing 30,000 disputes.
    ready_to_close = models.BooleanField(_("ready to close"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(condition=Q(disputed_total__gte=0), name="dispute_total_gte_0"),
            models.CheckConstraint(
                condition=Q(credit_note_amount__isnull=True) | Q(credit_note_amount__gt=0),
                name="dispute_credit_note_positive",
            ),
            # Settled disputes say how and whether the customer was right; active ones do not.
            models.CheckConstraint(
                condition=(
                    Q(status__in=SETTLED_STATUSES, founded__isnull=False, resolved_at__isnull=False)
                    & ~Q(outcome="")
                )
                | Q(status__in=ACTIVE_STATUSES, outcome="", resolved_at__isnull=True),
                name="dispute_outcome_iff_settled",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, closed_at__isnull=False)
                | (~Q(status=Status.CLOSED) & Q(closed_at__isnull=True)),
                name="dispute_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.CREDIT_NOTE)
                | (Q(credit_note_amount__isnull=False) & ~Q(credit_note_number="")),
                name="dispute_credit_note_outcome_complete",
            ),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=F("raised_on")),
                name="dispute_target_after_raised",
            ),
        ]
        indexes = [
            # Department and personal worklists: active disputes, nearest deadline first.
            models.Index(
                fields=["department", "target_date", "id"],
                condition=ACTIVE,
                name="dispute_dept_worklist_idx",
            ),
            models.Index(
                fields=["owner", "target_date", "id"],
                condition=ACTIVE,
                name="dispute_owner_worklist_idx",
            ),
            # The daily escalation: active disputes by deadline.
            models.Index(fields=["target_date"], condition=ACTIVE, name="dispute_deadline_idx"),
            # The worklist's "ready to close" filter: the few ready disputes, in deadline order.
            models.Index(fields=["ready_to_close", "target_date", "id"], name="dispute_ready_idx"),
            models.Index(fields=["customer", "status"], name="dispute_customer_idx"),
            # Statistics by period, then grouped by code, department or cause.
            models.Index(fields=["raised_on", "reason_code"], name="dispute_stats_raised_idx"),
            # Every column the statistics read, after the period: SQLite reads the period's
            # disputes from this narrow index instead of the wide rows (the insights page).
            models.Index(
                fields=[
                    "raised_on",
                    "category",
                    "reason_code",
                    "department",
                    "root_cause",
                    "customer",
                    "disputed_total",
                    "target_date",
                    "resolved_on",
                    "resolution_days",
                    "founded",
                    "owner",
                ],
                name="dispute_stats_cover_idx",
            ),
            models.Index(
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=False),
                name="dispute_stats_resolved_idx",
            ),
            # Resolutions written around the services, without their stored local date: empty
            # in the normal course, so the statistics find none at once.
            models.Index(
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=False, resolved_on__isnull=True),
                name="dispute_unstored_resolved_idx",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def resolution_set(self, resolved_at) -> None:
        """Set ``resolved_at`` (None to clear it) and the columns derived from it, in memory:
        the local date (current time zone) and the days since the dispute was raised."""
        self.resolved_at = resolved_at
        if resolved_at is None:
            self.resolved_on = self.resolution_days = None
            return
        self.resolved_on = timezone.localdate(resolved_at)
        self.resolution_days = (self.resolved_on - self.raised_on).days


class DisputedInvoice(models.Model):
    """One invoice of a dispute and the part of it the customer contests."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(
        "receivables.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="dispute_lines",
    )
    disputed_amount = models.DecimalField(_("disputed amount"), **MONEY)
    open_amount_at_opening = models.DecimalField(_("open amount when raised"), **MONEY)
    # The dunning block that keeps the disputed amount out of dunning while the dispute is
    # active (then the grace block after resolution); empty once released.
    block = models.ForeignKey(
        "dunning.Block", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("disputed invoice")
        verbose_name_plural = _("disputed invoices")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "invoice"], name="dispute_invoice_once"),
            models.CheckConstraint(
                condition=Q(disputed_amount__gt=0), name="disputed_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(disputed_amount__lte=F("open_amount_at_opening")),
                name="disputed_amount_within_open",
            ),
        ]
        indexes = [models.Index(fields=["invoice"], name="disputed_invoice_idx")]

    def __str__(self):
        return f"{self.dispute_id}: {self.invoice_id} {self.disputed_amount}"


class DisputeEvent(models.Model):
    """One line of a dispute's timeline: registration, every transition (with who, when and
    the comment), comments, reassignments, escalations, evidence."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=16, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        indexes = [models.Index(fields=["dispute", "at"], name="dispute_event_timeline_idx")]

    def __str__(self):
        return f"{self.dispute_id} {self.type} {self.at:%Y-%m-%d}"


class Evidence(models.Model):
    """A file the customer or a user provided. The content lives under MEDIA_ROOT with a random
    name (``stored_name``); the database keeps what was checked about it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Sent by the customer through the portal: shown there and downloadable with the
    # dispute's token; other evidence is for users only.
    from_customer = models.BooleanField(_("from the customer"), default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class Notification(models.Model):
    """An in-app notice for one user about one dispute (an escalation, for now)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispute_notifications"
    )
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="notifications")
    level = models.PositiveSmallIntegerField(choices=Escalation.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute notification")
        verbose_name_plural = _("dispute notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dispute", "level"], name="notification_once_per_level"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self):
        return f"{self.recipient_id} {self.dispute_id} {self.level}"


class Satisfaction(models.Model):
    """The follow-up after a resolution: an email asking the customer for a rating from 1 to 5
    and a comment (answered on the portal), or a call task for the collector when the customer
    has no email address. One per resolution (a reopened then resolved dispute gets another)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="satisfactions")
    resolved_at = models.DateTimeField(_("resolution"))
    channel = models.CharField(_("channel"), max_length=8, choices=FollowUpChannel.choices)
    recipient = models.CharField(_("sent to"), max_length=254, blank=True)
    call_action = models.ForeignKey(
        "dunning.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set when the dispute was reopened before the request went out (the email still queued,
    # or the call still planned): the request was withdrawn, not sent.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("satisfaction follow-up")
        verbose_name_plural = _("satisfaction follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "resolved_at"], name="satisfaction_once_per_resolution"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="satisfaction_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(rating__isnull=False),
                name="satisfaction_answer_has_rating",
            ),
        ]

    def __str__(self):
        return f"{self.dispute_id} {self.rating or '-'}"


from .models_abuse import AbuseScore, AbuseSettings  # noqa: E402, F401  (false disputes)

# Preventive actions live in their own module; imported here so Django registers them.
from .models_preventive import PreventiveAction, PreventiveActionEvent  # noqa: E402, F401
