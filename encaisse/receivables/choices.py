from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SETTLED = "settled", _("Settled")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("API")
    FEC = "fec", _("FEC import")
    CSV = "csv", _("CSV import")
    XLSX = "xlsx", _("Excel import")
    DEMO = "demo", _("Demo data")
