from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import InvoiceKind, InvoiceStatus, Source


class Invoice(models.Model):
    """An invoice or a credit note owed by (or to) a customer.

    Amounts are signed: an invoice is positive, a credit note negative, so a customer's balance
    is a plain sum. ``open_amount`` is what remains to be paid (or used, for a credit note)."""

    # No index of its own: the (customer, status, due date) index starts with it. Every index here
    # is written for each of the million invoices an import may bring (docs/benchmarks.md).
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=64)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount incl. tax"), max_digits=14, decimal_places=2)
    open_amount = models.DecimalField(_("open amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    reference = models.CharField(_("customer reference"), max_length=100, blank=True)
    label = models.CharField(_("label"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The last import that created or changed this invoice.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="invoice_unique_number"),
            models.CheckConstraint(
                condition=(
                    Q(kind=InvoiceKind.INVOICE, amount__gte=0, open_amount__gte=0)
                    | Q(kind=InvoiceKind.CREDIT_NOTE, amount__lte=0, open_amount__lte=0)
                ),
                name="invoice_amount_sign",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.SETTLED, open_amount=0)
                | Q(status=InvoiceStatus.OPEN),
                name="invoice_settled_has_nothing_open",
            ),
        ]
        # "Open and due before" scans use invoice_status_due_idx (status, due date, id); a partial
        # index of open invoices by due date would repeat it and cost every import a write.
        indexes = [
            # Covers the aged balance, the home totals and the balance refresh: they read the
            # open invoices from this index alone, never from the table.
            models.Index(
                fields=["customer", "due_date", "open_amount", "issue_date"],
                condition=Q(status=InvoiceStatus.OPEN),
                name="invoice_open_cover_idx",
            ),
            models.Index(fields=["customer", "status", "due_date"], name="invoice_customer_idx"),
            models.Index(fields=["status", "due_date", "id"], name="invoice_status_due_idx"),
            models.Index(fields=["issue_date"], name="invoice_issue_idx"),
            # Covers each customer's settlements (days late, the forecast's delays, the risk
            # view sorted by days late): read from this index alone, in customer order.
            models.Index(
                fields=["customer", "settled_on", "due_date", "amount"],
                condition=Q(status=InvoiceStatus.SETTLED, kind=InvoiceKind.INVOICE),
                name="invoice_settled_cover_idx",
            ),
        ]

    def __str__(self):
        return self.number


class Payment(models.Model):
    """Money received from a customer. ``unallocated_amount`` is cash not yet matched to an
    invoice (an unlettered credit line of a FEC, or an API payment kept on account)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(_("reference"), max_length=100)
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    unallocated_amount = models.DecimalField(
        _("unallocated amount"), max_digits=14, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    method = models.CharField(_("method"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "reference"], name="payment_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, unallocated_amount__gte=0)
                & Q(unallocated_amount__lte=models.F("amount")),
                name="payment_amounts_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer"],
                condition=Q(unallocated_amount__gt=0),
                name="payment_unallocated_idx",
            )
        ]

    def __str__(self):
        return self.reference


class Allocation(models.Model):
    """A payment or a credit note applied to an invoice (lettrage)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="allocations")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_allocations",
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    allocated_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["allocated_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
            models.CheckConstraint(
                condition=(Q(payment__isnull=False, credit_note__isnull=True))
                | (Q(payment__isnull=True, credit_note__isnull=False)),
                name="allocation_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.amount} -> {self.invoice_id}"
