from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportFormat(models.TextChoices):
    FEC = "fec", _("FEC")
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel")
    API = "api", _("API")


class ImportMode(models.TextChoices):
    SNAPSHOT = "snapshot", _("Snapshot: invoices missing from the file are settled")
    INCREMENTAL = "incremental", _("Incremental: only add and update")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    APPLIED = "applied", _("Applied")
    DRY_RUN = "dry_run", _("Dry run")
    FAILED = "failed", _("Failed")


class ImportContent(models.TextChoices):
    OPEN_ITEMS = "open_items", _("Open items")
    CUSTOMERS = "customers", _("Customers")
