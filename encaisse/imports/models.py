from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BatchStatus, ImportContent, ImportFormat, ImportMode


class ImportBatch(models.Model):
    """One import of a file: who, when, which file, what it changed, and what it rejected.

    ``file_totals`` are the open amounts the file itself holds (overall and per customer);
    ``imported_totals`` are the same figures read back from the ledger after the import, so the
    user sees that nothing was lost."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    file_size = models.BigIntegerField(default=0)
    # Blank when the format was to be detected and the file could not be read at all.
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices, blank=True)
    content = models.CharField(
        _("content"),
        max_length=16,
        choices=ImportContent.choices,
        default=ImportContent.OPEN_ITEMS,
    )
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices)
    as_of = models.DateField(_("as of"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    customers_created = models.PositiveIntegerField(default=0)
    customers_updated = models.PositiveIntegerField(default=0)
    invoices_created = models.PositiveIntegerField(default=0)
    invoices_updated = models.PositiveIntegerField(default=0)
    invoices_unchanged = models.PositiveIntegerField(default=0)
    invoices_settled = models.PositiveIntegerField(default=0)
    payments_created = models.PositiveIntegerField(default=0)
    payments_updated = models.PositiveIntegerField(default=0)
    payments_settled = models.PositiveIntegerField(default=0)
    file_totals = models.JSONField(default=dict, blank=True)
    imported_totals = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="Rejected rows: file, line, column, expected, found."
    )
    error_message = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The uploaded copy under MEDIA_ROOT, so a dry run can be applied without uploading again.
    stored_file = models.CharField(max_length=500, blank=True)
    mapping = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def warning_messages(self) -> list[str]:
        """The batch's warnings in the reader's language (stored as codes with figures)."""
        messages = []
        for warning in self.warnings:
            if warning.get("code") == "settlement_skipped":
                messages.append(
                    _(
                        "Nothing was settled: %(count)s rows were rejected, and a rejected row "
                        "may be an invoice that is still open. Fix the file and import it again "
                        "to settle what it no longer lists."
                    )
                    % {"count": warning.get("count", 0)}
                )
        return messages
