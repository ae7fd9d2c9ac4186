"""The monthly report by the worker: on the 1st at 06:00 (core/schedule.py) the previous month's
report is generated in each recipient's language and emailed once to each, PDF attached, over a
real SMTP server on loopback; not on other days; caught up the next morning when the worker was
down on the 1st; never twice, whichever worker or run gets there; a failed send or rendering is
retried with backoff and shown."""

import datetime as dt
import email
import importlib
import io
import threading
from email import policy

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from encaisse.accounts.choices import Role
from encaisse.core.schedule import SCHEDULE, run_due_jobs
from encaisse.insights import reports
from encaisse.insights.models_reports import (
    DeliveryStatus,
    MonthlyReport,
    ReportDelivery,
    ReportStatus,
)
from encaisse.insights.report_mail import deliveries_send_due
from encaisse.insights.reports import (
    monthly_reports_plan,
    monthly_reports_process,
    report_recipients_set,
)

from .ledger import worked_ledger

pytestmark = pytest.mark.django_db(transaction=True)

JOBS = [job for job in SCHEDULE if job.name == "monthly-report"]
JANUARY_1_0600 = dt.datetime(2026, 1, 1, 5, 1, tzinfo=dt.UTC)  # 06:01 in Paris, the first tick
DECEMBER = dt.date(2025, 12, 1)


@pytest.fixture(autouse=True)
def _codification():
    """The departments and the dispute codification the migrations write: a transactional test
    run before these (in the same worker) empties every table when it ends."""
    from django.apps import apps

    for module in (
        "encaisse.accounts.migrations.0002_default_departments",
        "encaisse.disputes.migrations.0002_default_codification",
    ):
        importlib.import_module(module).create(apps, None)


@pytest.fixture
def recipients(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make = django_user_model.objects.create_user
    french = make("mathilde", email="mathilde@encaisse.example", role=Role.CREDIT_MANAGER)
    english = make("john", email="john@encaisse.example", role=Role.READ_ONLY, language="en")
    make("nadia", email="nadia@encaisse.example", role=Role.COLLECTOR)  # not chosen
    report_recipients_set(actor=None, users=[french, english])
    return french, english


def _work():
    call_command("db_worker", batch=True, reload=False, queue_name="*", verbosity=0)


def _parsed(inbox):
    return {
        envelope.rcpt_tos[0]: email.message_from_bytes(envelope.content, policy=policy.default)
        for envelope in inbox.messages
    }


def _pdf_text(message) -> str:
    (attachment,) = list(message.iter_attachments())
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    return attachment.get_filename(), " ".join(page.extract_text() for page in reader.pages)


def test_it_generates_and_emails_last_months_report_once_on_the_first(recipients, smtp_server):
    worked_ledger()
    assert run_due_jobs(now=JANUARY_1_0600, schedule=JOBS) == ["monthly-report"]
    _work()
    messages = _parsed(smtp_server)
    assert sorted(messages) == ["john@encaisse.example", "mathilde@encaisse.example"]
    french = messages["mathilde@encaisse.example"]
    assert french["Subject"] == "Rapport mensuel du poste clients : décembre 2025"
    name, text = _pdf_text(french)
    assert name == "encaisse-report-2025-12-fr.pdf"
    assert "Balance âgée par segment" in text and "Litiges ouverts en décembre 2025" in text
    english = messages["john@encaisse.example"]
    assert english["Subject"] == "Monthly receivables report: December 2025"
    assert "Aged balance by segment" in _pdf_text(english)[1]
    for report in MonthlyReport.objects.all():
        assert report.status == ReportStatus.READY and report.as_of == dt.date(2025, 12, 31)
        assert report.emailed_at is not None and report.sent_at is not None

    # The same slot again, the job run twice, a second worker: nothing more is sent.
    assert run_due_jobs(now=JANUARY_1_0600 + dt.timedelta(minutes=30), schedule=JOBS) == []
    from encaisse.insights.tasks import monthly_report_job

    monthly_report_job.call()
    deliveries_send_due(worker="other")
    assert len(smtp_server.messages) == 2
    assert MonthlyReport.objects.count() == 2 and ReportDelivery.objects.count() == 2


def test_it_does_not_run_on_other_days():
    assert run_due_jobs(now=JANUARY_1_0600 + dt.timedelta(days=14), schedule=JOBS) == []
    assert run_due_jobs(now=JANUARY_1_0600 - dt.timedelta(hours=1), schedule=JOBS) == []


def test_it_catches_up_the_next_morning_but_not_later(recipients, smtp_server):
    """A worker down on the 1st runs the slot when it starts within a day (the schedule's
    catch-up rule), still for December; two days later the slot has gone."""
    assert run_due_jobs(now=JANUARY_1_0600 + dt.timedelta(days=2), schedule=JOBS) == []
    assert run_due_jobs(now=JANUARY_1_0600 + dt.timedelta(hours=23), schedule=JOBS) == [
        "monthly-report"
    ]
    _work()
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {DECEMBER}
    assert len(smtp_server.messages) == 2


def test_two_workers_that_both_rendered_queue_the_emails_once(recipients, monkeypatch):
    """Worker B renders, claims and queues while worker A is still rendering: A's claim then
    updates no row, and A neither stores its PDF nor queues anything."""
    monthly_reports_plan(month=DECEMBER)
    render = reports._render
    won_by_b, b_started = [], []

    def rendering_while_b_runs(month, language):
        if not b_started:
            b_started.append(True)
            won_by_b.extend(monthly_reports_process())
        return render(month, language)

    monkeypatch.setattr(reports, "_render", rendering_while_b_runs)
    won_by_a = monthly_reports_process()
    assert won_by_a == [] and len(won_by_b) == 2
    assert ReportDelivery.objects.count() == 2
    assert monthly_reports_plan(month=DECEMBER) == ["en", "fr"]  # planning again changes nothing
    monkeypatch.setattr(reports, "_render", render)
    assert monthly_reports_process() == []
    assert ReportDelivery.objects.count() == 2


def test_a_refused_email_is_retried_later_and_shown(recipients, smtp_server, client):
    french, _english = recipients
    monthly_reports_plan(month=DECEMBER)
    monthly_reports_process()
    smtp_server.refuse = True
    assert deliveries_send_due(worker="w1")["queued"] == 2
    delivery = ReportDelivery.objects.get(user=french)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    client.force_login(french)
    page = client.get("/insights/reports/").content.decode()
    assert 'data-delivery="queued"' in page and "451" in page

    smtp_server.refuse = False
    assert deliveries_send_due(worker="w1")["sent"] == 0  # not before its backoff
    later = timezone.now() + dt.timedelta(minutes=2)
    assert deliveries_send_due(worker="w1", now=later)["sent"] == 2
    assert len(smtp_server.messages) == 2
    assert MonthlyReport.objects.filter(sent_at__isnull=False).count() == 2


def test_a_failed_rendering_is_retried_with_backoff(recipients, monkeypatch, smtp_server):
    monthly_reports_plan(month=DECEMBER)

    def broken(**kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(reports, "monthly_report_pdf", broken)
    assert monthly_reports_process() == []
    report = MonthlyReport.objects.get(language="fr")
    assert (report.status, report.attempts) == (ReportStatus.FAILED, 1)
    assert "No space left" in report.last_error
    monkeypatch.undo()
    assert monthly_reports_process() == []  # waits for its backoff
    later = timezone.now() + dt.timedelta(minutes=2)
    assert len(monthly_reports_process(now=later)) == 2
    deliveries_send_due(worker="w1", now=later)
    assert len(smtp_server.messages) == 2


def test_two_worker_threads_send_each_email_once_on_postgresql(recipients, smtp_server):
    """Real concurrency: two threads (two connections) process and send at the same moment;
    PostgreSQL's row locks let one claim win each report and each email."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is not shared between threads")
    monthly_reports_plan(month=DECEMBER)
    barrier, claimed = threading.Barrier(2), []

    def worker(name):
        try:
            barrier.wait()
            claimed.extend(monthly_reports_process())
            barrier.wait()
            deliveries_send_due(worker=name)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(report.language for report in claimed) == ["en", "fr"]
    assert ReportDelivery.objects.count() == 2
    assert sorted(e.rcpt_tos[0] for e in smtp_server.messages) == [
        "john@encaisse.example",
        "mathilde@encaisse.example",
    ]
