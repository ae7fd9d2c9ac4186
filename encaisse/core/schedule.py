"""The daily schedule that ``encaisse worker`` runs: cron expressions in the company's time zone.

Each tick, every job whose latest cron slot has passed (and is less than a day old) is claimed
by inserting a ScheduledRun row; only the worker whose insert succeeds enqueues the task, so
several workers never enqueue the same slot twice, and a worker that was down catches up once."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    task: str  # dotted path to a django-tasks Task


SCHEDULE = [
    # Overdue amounts move with the date: refresh the stored balances before people arrive.
    Job("refresh-balances", "0 5 * * *", "encaisse.receivables.tasks.refresh_customer_balances"),
    # Then today's calls, emails and letters, ready when the collectors arrive.
    Job("dunning-run", "30 5 * * *", "encaisse.dunning.tasks.daily_dunning_run"),
    # Emails, letters and formal notices of planned actions, then the outbox: a frequent tick.
    Job("correspondence", "*/2 * * * *", "encaisse.correspondence.tasks.correspondence_tick"),
    # Disputes at risk or late: their owners find the notices when they arrive.
    Job("disputes-escalation", "45 5 * * *", "encaisse.disputes.tasks.daily_disputes_escalation"),
    # Abuse scores from yesterday's dispute history, for the flagged list and the worklist badge.
    Job("abuse-scores", "50 5 * * *", "encaisse.disputes.tasks.daily_abuse_scores"),
    # The previous month's management report, generated and emailed to the chosen users.
    Job("monthly-report", "0 6 1 * *", "encaisse.insights.tasks.monthly_report_job"),
    # Its emails (retried with backoff) and a generation that failed, tried again.
    Job("monthly-report-emails", "*/10 * * * *", "encaisse.insights.tasks.report_emails_tick"),
]

CATCH_UP = dt.timedelta(days=1)


def latest_slot(cron: str, now: dt.datetime) -> dt.datetime:
    local = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return croniter(cron, local).get_prev(dt.datetime)


def run_due_jobs(*, now: dt.datetime | None = None, schedule=None) -> list[str]:
    """Enqueue every job whose slot is due and not yet claimed; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in schedule or SCHEDULE:
        slot = latest_slot(job.cron, now)
        if now - slot > CATCH_UP:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = import_string(job.task).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue
        enqueued.append(job.name)
    return enqueued
