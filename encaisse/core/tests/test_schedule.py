import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from encaisse.core.models import ScheduledRun
from encaisse.core.schedule import Job, run_due_jobs
from encaisse.customers.models import Customer
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Invoice

pytestmark = pytest.mark.django_db(transaction=True)

JOB = Job("refresh-balances", "0 5 * * *", "encaisse.receivables.tasks.refresh_customer_balances")
PARIS_0530 = dt.datetime(2026, 11, 23, 4, 30, tzinfo=dt.UTC)  # 05:30 in Paris


def test_it_enqueues_a_due_job_once_even_when_asked_twice():
    assert run_due_jobs(now=PARIS_0530, schedule=[JOB]) == ["refresh-balances"]
    assert run_due_jobs(now=PARIS_0530 + dt.timedelta(minutes=5), schedule=[JOB]) == []
    assert ScheduledRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_it_catches_up_with_the_latest_slot_only():
    assert run_due_jobs(now=PARIS_0530 + dt.timedelta(days=1, hours=2), schedule=[JOB]) == [
        "refresh-balances"
    ]
    slot = ScheduledRun.objects.get().slot
    assert slot.date() == dt.date(2026, 11, 24)


def test_it_skips_a_slot_older_than_a_day():
    yearly = Job("yearly", "0 5 1 1 *", JOB.task)
    assert run_due_jobs(now=PARIS_0530, schedule=[yearly]) == []
    assert not ScheduledRun.objects.exists()


def test_the_daily_task_refreshes_overdue_balances_when_the_worker_runs_it():
    customer = Customer.objects.create(code="C1", name="Retard SA")
    Invoice.objects.create(
        customer=customer,
        number="F1",
        issue_date=dt.date(2020, 1, 1),
        due_date=dt.date(2020, 1, 31),
        amount=Decimal("100.00"),
        open_amount=Decimal("100.00"),
        source=Source.MANUAL,
    )
    run_due_jobs(schedule=[Job("refresh-balances", "* * * * *", JOB.task)])
    call_command("db_worker", batch=True, reload=False, queue_name="*", verbosity=0)
    customer.refresh_from_db()
    assert customer.overdue_balance == Decimal("100.00")
    assert customer.open_balance == Decimal("100.00")
