"""The worker's insights jobs (core/schedule.py): the monthly report on the 1st, and the tick
that retries its generation and sends its emails."""

from django_tasks import task

from encaisse.core.dates import today
from encaisse.core.models import ScheduledRun

from .report_mail import deliveries_send_due
from .reports import local_date, monthly_reports_plan, monthly_reports_process, previous_month

JOB = "monthly-report"


def _reported_month():
    """The month before the slot this run stands for (not before the day the task runs: a
    queue that ran late on the 2nd still reports the month before the 1st)."""
    run = ScheduledRun.objects.filter(job=JOB).order_by("-slot").first()
    return previous_month(local_date(run.slot) if run else today())


@task()
def monthly_report_job() -> dict:
    """06:00 on the 1st: the previous month's report, generated once and emailed once."""
    month = _reported_month()
    languages = monthly_reports_plan(month=month)
    claimed = monthly_reports_process()
    return {
        "month": f"{month:%Y-%m}",
        "languages": languages,
        "generated": len(claimed),
        **deliveries_send_due(),
    }


@task()
def report_emails_tick() -> dict:
    """Every 10 minutes: retry a failed generation, send the due report emails."""
    claimed = monthly_reports_process()
    return {"generated": len(claimed), **deliveries_send_due()}
