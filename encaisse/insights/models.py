from django.db import models
from django.utils.translation import gettext_lazy as _


class DaysBasis(models.IntegerChoices):
    ACTUAL = 365, _("365 days (calendar days)")
    BANKING = 360, _("360 days (30 days a month)")


class InsightsSettings(models.Model):
    """How the company computes its DSO: the year basis (365 calendar days, or 360 with 30-day
    months as Banque de France ratios do) and the window of the ratio method in months.

    One row per installation, created on first read (``insights_settings_get``)."""

    days_basis = models.PositiveSmallIntegerField(
        _("DSO days basis"), choices=DaysBasis.choices, default=DaysBasis.ACTUAL
    )
    ratio_months = models.PositiveSmallIntegerField(
        _("months of revenue in the ratio method"), default=3
    )

    class Meta:
        verbose_name = _("insights settings")
        verbose_name_plural = _("insights settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_basis__in=[360, 365]), name="insights_days_basis_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ratio_months__gte=1, ratio_months__lte=12),
                name="insights_ratio_months_valid",
            ),
        ]

    def __str__(self):
        return "DSO settings"


# Monthly snapshots (snapshots.py builds them; queries.py reads them) ----------------------------
# Kept per (segment, collector) of the customers, not per customer: at 1M invoices over 100k
# customers a per-customer month row is about as many rows as invoices (docs/benchmarks.md).

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class SnapshotMonth(models.Model):
    """One closed month of the customers of a (segment, collector) pair: the revenue incl. tax
    issued in it and the receivables at its last day, as the live computation reconstructs
    them."""

    month = models.DateField()  # its first day
    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    revenue = models.DecimalField(**AMOUNT)
    owed = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["month"], name="insights_snapshot_month_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.segment_id}/{self.collector_id}"


class SnapshotDay(models.Model):
    """Invoices settled on one day (from the first snapshotted month on, the current month's
    too), per (segment, collector): their amount and their amount times their days late (paying
    early counts 0)."""

    day = models.DateField()
    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    late_weighted = models.DecimalField(max_digits=22, decimal_places=2)
    late_amount = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["day"], name="insights_snapshot_day_idx")]

    def __str__(self):
        return f"{self.day} {self.segment_id}/{self.collector_id}"


class SnapshotStep(models.Model):
    """The invoice lines of the done dunning actions of one scenario step due on one day, per
    (segment, collector): how many, and how many of their invoices were settled within 7, 15
    and 30 days after it (the dunning effectiveness page)."""

    day = models.DateField()
    step_id = models.BigIntegerField()
    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    lines = models.IntegerField()
    paid_7 = models.IntegerField()
    paid_15 = models.IntegerField()
    paid_30 = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="insights_snapshot_step_idx")]

    def __str__(self):
        return f"{self.day} step {self.step_id}"


class SnapshotDelay(models.Model):
    """A customer's average days late on the day the snapshots were built (the 365 days up to
    it), in whole days as the cash forecast rounds it: the forecast of that day reads it
    instead of every settled invoice of the year, and the risk view ranks customers by it."""

    customer_id = models.BigIntegerField(primary_key=True)
    days = models.IntegerField()
    # The same average unrounded, in whole cents: the amount settled times its days late and
    # the amount settled (their ratio ranks the customers of the risk view by days late).
    late_weighted = models.BigIntegerField(default=0)
    late_amount = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.customer_id}: {self.days}"


class SnapshotForecast(models.Model):
    """The open invoices of the customers of a (segment, collector) pair on the day the
    snapshots were built, by the date the cash forecast expects them that day (due date pushed
    back by the customer's days late): every date before that day is kept as the day before
    it (late, date unknown), every date after the forecast's 13 weeks as the first day after
    them. Disputes and promises to pay are not in it: ``SnapshotForecastCorrection`` holds what
    they change."""

    expected_on = models.DateField()
    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    amount = models.DecimalField(**AMOUNT)

    def __str__(self):
        return f"{self.expected_on} {self.segment_id}/{self.collector_id}"


class SnapshotForecastCorrection(models.Model):
    """What the active disputes and open promises to pay of one customer change in the stored
    forecast (``SnapshotForecast``), by expected date: the amount taken off or put back
    (``amount``, signed) and the part expected from promises (``promised``); a row without a
    date holds the customer's disputed amount on open invoices (shown apart). Written for every
    customer a dispute or a promise touches when the snapshots are built, and again for the
    customers whose disputes or promises changed since (``forecast_store.py``); the forecast
    of the day adds these rows instead of reading the disputes and promises of every customer."""

    customer_id = models.BigIntegerField()
    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    expected_on = models.DateField(null=True)
    amount = models.DecimalField(**AMOUNT)
    promised = models.DecimalField(**AMOUNT)
    disputed = models.DecimalField(**AMOUNT)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id"], name="insights_snapshot_fcorr_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.expected_on}: {self.amount}"


class SnapshotForecastSource(models.Model):
    """An active dispute (``kind`` "d") or an open promise to pay ("p") and a customer of its
    invoices, as they stood when ``SnapshotForecastCorrection`` was last written for that
    customer: the disputes and promises that are not here any more, or are new, name the
    customers whose corrections are out of date."""

    kind = models.CharField(max_length=1)
    ref_id = models.BigIntegerField()
    customer_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref_id", "customer_id"], name="insights_snapshot_fsource_once"
            )
        ]
        indexes = [
            models.Index(fields=["customer_id"], name="insights_snapshot_fsource_idx"),
        ]

    def __str__(self):
        return f"{self.kind}{self.ref_id}: {self.customer_id}"


class SnapshotPosition(models.Model):
    """The open documents of the customers of a (segment, collector) pair on the day the
    snapshots were built: their open amount and the part of it overdue that day (the position
    the pages of that day read instead of every open document; the unallocated cash is read
    live)."""

    segment_id = models.BigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    open = models.DecimalField(**AMOUNT)
    overdue = models.DecimalField(**AMOUNT)

    def __str__(self):
        return f"{self.segment_id}/{self.collector_id}: {self.open}"


class SnapshotActivity(models.Model):
    """The dunning actions done in one closed month (the local date of ``done_at``) by one
    user (``user_id``: who did it, or the user it was assigned to when the system did it; None
    for no one) on the customers of one segment, by channel: the collectors' activity of
    ``/insights/dunning/`` reads it instead of every action of the period."""

    month = models.DateField()  # its first day
    segment_id = models.BigIntegerField(null=True)
    user_id = models.BigIntegerField(null=True)
    calls = models.IntegerField()
    calls_reached = models.IntegerField()
    emails = models.IntegerField()
    letters = models.IntegerField()
    formal_notices = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="insights_snapshot_activity_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.segment_id}/{self.user_id}"


class SnapshotState(models.Model):
    """One row: which months the snapshots cover and what the ledger held when they were built
    (the largest ids and the customers' assignment), so a reader knows whether they still
    hold."""

    first_month = models.DateField()
    last_month = models.DateField()
    delays_on = models.DateField(null=True)  # the day of the customers' delays
    built_at = models.DateTimeField()
    watermark = models.CharField(max_length=200)

    def __str__(self):
        return f"{self.first_month:%Y-%m}..{self.last_month:%Y-%m}"


from .models_reports import MonthlyReport, ReportDelivery, ReportSettings  # noqa: E402, F401
