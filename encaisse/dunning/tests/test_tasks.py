import datetime as dt

import pytest
from django.utils.module_loading import import_string

from encaisse.core.schedule import SCHEDULE
from encaisse.dunning.models import Run

from .factories import make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db


def test_it_is_scheduled_daily_after_the_balance_refresh():
    jobs = {job.name: job for job in SCHEDULE}
    assert jobs["dunning-run"].cron == "30 5 * * *"
    assert import_string(jobs["dunning-run"].task).name == "daily_dunning_run"


def test_the_daily_task_runs_dunning_for_today(monkeypatch):
    make_scenario()
    make_invoice(make_customer("C1"), "F1", "500.00", due=dt.date(2026, 3, 10))
    monkeypatch.setattr("encaisse.dunning.tasks.today", lambda: dt.date(2026, 3, 15))
    task = import_string("encaisse.dunning.tasks.daily_dunning_run")
    assert task.call() == 1
    run = Run.objects.get()
    assert (run.as_of, run.dry_run, run.actions_created) == (dt.date(2026, 3, 15), False, 1)
