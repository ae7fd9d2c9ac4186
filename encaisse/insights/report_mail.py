"""Emailing the monthly report: one ``ReportDelivery`` per report and recipient, sent with the
PDF attached, in the recipient's language.

Claiming follows the correspondence outbox (``correspondence/services/outbox.py``): a
conditional UPDATE per row (of two workers, one wins), a lease so a worker that died mid-send
leaves the row to be claimed again, backoff between attempts (1, 2, 4... minutes), failed
after the last attempt. The same Message-ID goes with every attempt; the window in which a
crash can send twice is the one commit after the SMTP server's acceptance, as for the outbox."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from encaisse.correspondence.services.outbox import LEASE, MAX_ATTEMPTS, backoff, worker_name

from .models_reports import DeliveryStatus, MonthlyReport, ReportDelivery

logger = logging.getLogger(__name__)

BATCH = 50


def _claimable(now: dt.datetime) -> Q:
    return Q(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now, attempts__lt=MAX_ATTEMPTS
    )


def deliveries_claim(*, worker: str, now: dt.datetime, limit: int = BATCH) -> list[int]:
    candidates = list(
        ReportDelivery.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        won = ReportDelivery.objects.filter(_claimable(now), pk=pk).update(
            status=DeliveryStatus.SENDING,
            claimed_by=worker,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
        if won:
            claimed.append(pk)
    return claimed


def build_email(delivery: ReportDelivery) -> EmailMessage:
    report = delivery.report
    with translation.override(delivery.user.language or "fr"):
        month = date_format(report.month, "F Y")
        subject = _("Monthly receivables report: %(month)s") % {"month": month}
        body = _(
            "Hello,\n\nPlease find attached the monthly receivables report for %(month)s "
            "(figures as of %(as_of)s).\n\nAll the reports: %(url)s\n"
        ) % {
            "month": month,
            "as_of": date_format(report.as_of, "SHORT_DATE_FORMAT"),
            "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("insights:reports"),
        }
    with report.file.open("rb") as stream:
        pdf = stream.read()
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers={"Message-ID": delivery.message_id},
    )
    email.attach(report.filename, pdf, "application/pdf")
    return email


def _report_sent(report_id: int, now: dt.datetime) -> None:
    """Set the report's ``sent_at`` once every one of its deliveries is sent."""
    unsent = ReportDelivery.objects.filter(report_id=report_id).exclude(status=DeliveryStatus.SENT)
    if not unsent.exists():
        MonthlyReport.objects.filter(pk=report_id, sent_at__isnull=True).update(sent_at=now)


def delivery_send_one(*, delivery_id: int, worker: str) -> str:
    """Send one claimed delivery and record the outcome while the row is still ours."""
    delivery = ReportDelivery.objects.select_related("report", "user").get(pk=delivery_id)
    ours = ReportDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.SENDING, claimed_by=worker
    )
    try:
        build_email(delivery).send()
    except Exception as error:  # SMTP, network, a missing file: retried, then failed
        now = timezone.now()
        failed = delivery.attempts >= MAX_ATTEMPTS
        ours.update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
            next_attempt_at=now + backoff(delivery.attempts),
            lease_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("report delivery %s attempt %s: %s", delivery_id, delivery.attempts, error)
    else:
        now = timezone.now()
        if ours.update(status=DeliveryStatus.SENT, sent_at=now, lease_until=None, last_error=""):
            _report_sent(delivery.report_id, now)
    return ReportDelivery.objects.values_list("status", flat=True).get(pk=delivery_id)


def deliveries_send_due(*, worker: str | None = None, now: dt.datetime | None = None) -> dict:
    """Claim and send the due deliveries; returns the count per outcome."""
    worker = worker or worker_name()
    now = now or timezone.now()
    ReportDelivery.objects.filter(
        status=DeliveryStatus.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=DeliveryStatus.FAILED,
        lease_until=None,
        last_error="The worker stopped during the last attempt (lease expired).",
    )
    counts = {status: 0 for status in DeliveryStatus.values}
    for pk in deliveries_claim(worker=worker, now=now):
        counts[delivery_send_one(delivery_id=pk, worker=worker)] += 1
    return counts
