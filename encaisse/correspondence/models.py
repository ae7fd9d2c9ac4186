"""What leaves the building: outgoing emails (OutboxMessage), stored letters (Letter) and the
editable texts they are written from (Template).

An email is first an outbox row, committed with whatever caused it; the worker claims due
rows with a conditional UPDATE (see services/outbox.py) and sends them over SMTP. A letter or
a formal notice is a PDF stored with its HTML, printed from the letters page."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OutboxStatus, TemplateChannel


class Template(models.Model):
    """The subject and body of one template code in one language, as a Django template
    rendered with the context documented in ``rendering.CONTEXT_VARIABLES``."""

    code = models.SlugField(_("code"), max_length=64)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    channel = models.CharField(_("channel"), max_length=16, choices=TemplateChannel.choices)
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "language"]
        verbose_name = _("template")
        verbose_name_plural = _("templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "language"], name="template_code_language")
        ]

    def __str__(self):
        return f"{self.code} ({self.language})"


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "encaisse.localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutboxMessage(models.Model):
    """One email to send. ``idempotency_key`` (action and recipient) is unique, so dispatching
    an action twice queues nothing more; ``message_id`` is fixed at creation and sent as the
    Message-ID header on every attempt, so a resend after a crash is recognisable by the
    recipient's server and by people (same Message-ID)."""

    action = models.ForeignKey(
        "dunning.Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="outbox_messages"
    )
    template_code = models.SlugField(_("template"), max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, default=new_message_id)
    from_email = models.CharField(_("from"), max_length=255)
    recipients = models.JSONField(_("recipients"))
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            # The worker's scans: queued rows by due time, sending rows by lease.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status=OutboxStatus.QUEUED),
                name="outbox_due_idx",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status=OutboxStatus.SENDING),
                name="outbox_lease_idx",
            ),
            models.Index(fields=["customer", "-created_at"], name="outbox_customer_idx"),
        ]

    def __str__(self):
        return f"{self.subject} -> {', '.join(self.recipients)}"


class Letter(models.Model):
    """A letter or formal notice generated for a dunning action: its HTML and PDF, kept as
    sent. ``printed_at`` is set when it is downloaded for printing."""

    action = models.OneToOneField("dunning.Action", on_delete=models.CASCADE, related_name="letter")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="letters"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=TemplateChannel.choices)
    template_code = models.SlugField(_("template"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=255)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    html = models.TextField()
    pdf = models.BinaryField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(printed_at__isnull=True),
                name="letter_unprinted_idx",
            )
        ]

    def __str__(self):
        return f"{self.subject} ({self.customer_id})"
