"""The monthly report's lifecycle: generated on demand (the reports page), and by the worker on
the 1st of each month for the previous month, then emailed to the chosen users in their language
(``report_mail.py`` sends).

Who calls what:
- ``monthly_report_generate``: the page's "generate now" (a credit manager), no email.
- ``monthly_reports_plan``: the ``monthly-report`` job (core/schedule.py, 06:00 on the 1st) marks
  the month's report in each recipient language as to be emailed.
- ``monthly_reports_process``: that job, then the ``monthly-report-emails`` tick every 10
  minutes: renders each report to be emailed, then in one transaction claims it (``emailed_at``,
  a conditional UPDATE: of two workers exactly one wins), stores the PDF and queues one delivery
  per recipient. A failed rendering is retried with backoff, visible on the page."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from encaisse.accounts.choices import Role
from encaisse.audit.services import audit_record
from encaisse.core.dates import today
from encaisse.correspondence.services.outbox import MAX_ATTEMPTS, backoff

from .models_reports import MonthlyReport, ReportDelivery, ReportSettings, ReportStatus
from .report import LANGUAGES, month_end, monthly_report_pdf

# Who may receive the report: those who see the ledger (it is the ledger's figures).
RECIPIENT_ROLES = [Role.ADMIN, Role.CREDIT_MANAGER, Role.COLLECTOR, Role.READ_ONLY]


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


# Recipients ------------------------------------------------------------------------------------


def report_settings_get() -> ReportSettings:
    found, _created = ReportSettings.objects.get_or_create(pk=1)
    return found


def recipients_eligible():
    """Active users who see the ledger and have an email address, by username."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=RECIPIENT_ROLES)
        .exclude(email="")
        .order_by("username")
    )


def report_recipients() -> list:
    """The chosen users who can receive the report now (still active, eligible, with an
    address)."""
    chosen = report_settings_get().recipients.values("pk")
    return list(recipients_eligible().filter(pk__in=chosen))


@transaction.atomic
def report_recipients_set(*, actor, users) -> ReportSettings:
    """Choose who receives the monthly report (the reports page's form); audited."""
    report_settings = ReportSettings.objects.select_for_update().get(pk=report_settings_get().pk)
    eligible = set(recipients_eligible().values_list("pk", flat=True))
    wanted = sorted({user.pk for user in users if user.pk in eligible})
    before = sorted(report_settings.recipients.values_list("username", flat=True))
    report_settings.recipients.set(wanted)
    after = sorted(report_settings.recipients.values_list("username", flat=True))
    if before != after:
        audit_record(
            actor=actor,
            action="update",
            instance=report_settings,
            changes={"recipients": {"from": before, "to": after}},
        )
    return report_settings


# Generation ------------------------------------------------------------------------------------


def _render(month: dt.date, language: str) -> tuple[bytes, dt.date]:
    key = f"{month:%Y-%m}"
    return monthly_report_pdf(month=key, language=language), month_end(key)


def _store(report: MonthlyReport, pdf: bytes, as_of: dt.date, actor, now) -> None:
    """Put the new PDF in place of the old one (deleted once the change is committed)."""
    old = report.file.name if report.file else ""
    report.file.save(report.filename, ContentFile(pdf), save=False)
    report.size, report.as_of, report.status = len(pdf), as_of, ReportStatus.READY
    report.generated_at, report.generated_by, report.last_error = now, actor, ""
    report.save()
    if old and old != report.file.name:
        storage = report.file.storage
        transaction.on_commit(lambda: storage.delete(old))


def monthly_report_generate(*, actor, month: dt.date, language: str) -> MonthlyReport:
    """Generate (or generate again) a month's report in a language now; sends nothing. The PDF
    is rendered before the transaction, so no lock is held while WeasyPrint works."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}.")
    month = month.replace(day=1)
    if month > today():
        raise ValueError("The month has not started yet.")
    pdf, as_of = _render(month, language)
    now = timezone.now()
    with transaction.atomic():
        report, _created = MonthlyReport.objects.get_or_create(month=month, language=language)
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        _store(report, pdf, as_of, actor, now)
    return report


def monthly_reports_plan(*, month: dt.date, now: dt.datetime | None = None) -> list[str]:
    """Mark ``month``'s report in each language the recipients read (French when nobody is
    chosen, so the report is still generated) as to be emailed; returns the languages.
    Idempotent: a report already emailed is left alone."""
    now = now or timezone.now()
    languages = sorted({user.language for user in report_recipients()}) or ["fr"]
    for language in languages:
        MonthlyReport.objects.get_or_create(month=month, language=language)
    MonthlyReport.objects.filter(
        month=month, language__in=languages, emailed_at__isnull=True, to_email=False
    ).update(to_email=True, next_attempt_at=now, attempts=0)
    return languages


def _due(now: dt.datetime) -> Q:
    return Q(
        to_email=True, emailed_at__isnull=True, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
    )


def _queue_deliveries(report: MonthlyReport, now: dt.datetime) -> int:
    recipients = [user for user in report_recipients() if user.language == report.language]
    ReportDelivery.objects.bulk_create(
        [
            ReportDelivery(report=report, user=user, email=user.email, next_attempt_at=now)
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    return len(recipients)


def _record_failure(report: MonthlyReport, error: Exception, now: dt.datetime) -> None:
    attempts = report.attempts + 1
    MonthlyReport.objects.filter(pk=report.pk, emailed_at__isnull=True).update(
        status=ReportStatus.FAILED,
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def monthly_reports_process(*, now: dt.datetime | None = None) -> list[MonthlyReport]:
    """Generate and queue the emails of each report due to be emailed; returns those this
    worker claimed. A handful of rows a month: one rendering each."""
    now = now or timezone.now()
    claimed = []
    for report in MonthlyReport.objects.filter(_due(now)).order_by("month", "language"):
        try:
            pdf, as_of = _render(report.month, report.language)
        except Exception as error:  # a rendering bug or a full disk: retried, shown on the page
            _record_failure(report, error, now)
            continue
        with transaction.atomic():
            # The claim: of two workers that rendered the same report, one updates the row.
            if not MonthlyReport.objects.filter(_due(now), pk=report.pk).update(emailed_at=now):
                continue
            report = MonthlyReport.objects.get(pk=report.pk)
            _store(report, pdf, as_of, None, now)
            if not _queue_deliveries(report, now):
                report.sent_at = now  # nobody to send to: nothing left to do
                report.save(update_fields=["sent_at"])
        claimed.append(report)
    return claimed


# Reads -----------------------------------------------------------------------------------------


def access_monthly_report(user, report_id: int) -> MonthlyReport:
    """A report to download: every ledger user sees every report (the view checks the
    capability); 404 for a missing one."""
    return get_object_or_404(MonthlyReport, pk=report_id)


def monthly_report_list(*, limit: int = 36) -> list[MonthlyReport]:
    """The latest reports with their deliveries, for the reports page (two queries)."""
    return list(
        MonthlyReport.objects.select_related("generated_by")
        .prefetch_related("deliveries")
        .order_by("-month", "language")[:limit]
    )
