"""``encaisse disputes score`` and the worker's daily job."""

import io

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from encaisse.core.schedule import SCHEDULE
from encaisse.disputes.models import AbuseScore

from .abuse_factories import abusive_customer, honest_customer

pytestmark = pytest.mark.django_db


def test_it_scores_the_customers_from_the_command_line():
    abusive_customer(), honest_customer()
    out = io.StringIO()
    call_command("disputes", "score", "--as-of", "2026-06-30", stdout=out)
    assert "2026-06-30" in out.getvalue() and "2 client(s) notés, 1 signalé(s)" in out.getvalue()
    assert AbuseScore.objects.filter(flagged=True).count() == 1


def test_it_is_run_each_morning_by_the_worker():
    jobs = {job.name: job for job in SCHEDULE}
    assert jobs["abuse-scores"].task == "encaisse.disputes.tasks.daily_abuse_scores"
    assert jobs["abuse-scores"].cron == "50 5 * * *"
    assert import_string(jobs["abuse-scores"].task).name
