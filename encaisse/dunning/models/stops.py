"""What stops dunning: blocks and holds (disputes too), and promises to pay."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import (
    BlockKind,
    Channel,
    PromiseStatus,
)
from .base import MONEY


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
