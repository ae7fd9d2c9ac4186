"""The Redis/RQ backend end to end: with REDIS_URL set, `encaisse worker` enqueues the daily job
into Redis and an RQ worker (which could run on another machine) executes it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from encaisse.core.schedule import CATCH_UP, SCHEDULE, latest_slot

REDIS = "redis://127.0.0.1:6379/15"
ENCAISSE = [sys.executable, "-m", "encaisse"]


def _run(args, env):
    result = subprocess.run(ENCAISSE + args, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def redis_env(tmp_path: Path):
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS,
        "ENCAISSE_VAR_DIR": str(tmp_path),
    }
    _run(["migrate", "--no-input", "-v", "0"], env)
    yield env
    client.flushdb()


def test_it_runs_the_daily_refresh_through_redis(redis_env):
    _run(
        [
            "shell",
            "--no-imports",
            "-c",
            "import datetime as dt; from decimal import Decimal as D;"
            "from encaisse.customers.models import Customer;"
            "from encaisse.receivables.models import Invoice;"
            "c = Customer.objects.create(code='C1', name='Retard SA');"
            "Invoice.objects.create(customer=c, number='F1', issue_date=dt.date(2020, 1, 1),"
            " due_date=dt.date(2020, 1, 31), amount=D('250.00'), open_amount=D('250.00'),"
            " source='manual')",
        ],
        redis_env,
    )
    out = _run(["worker", "--schedule-once"], redis_env)
    assert "enqueued refresh-balances" in out
    # Every job whose latest slot is within the catch-up day (not the monthly report, unless
    # today is the 1st or the 2nd).
    now = timezone.now()
    due = [job for job in SCHEDULE if now - latest_slot(job.cron, now) <= CATCH_UP]
    assert redis.Redis.from_url(REDIS).llen("rq:queue:default") == len(due)
    _run(["worker", "--burst"], redis_env)
    assert redis.Redis.from_url(REDIS).llen("rq:queue:default") == 0
    out = _run(
        [
            "shell",
            "--no-imports",
            "-c",
            "from encaisse.customers.models import Customer;"
            "print(Customer.objects.get(code='C1').overdue_balance)",
        ],
        redis_env,
    )
    assert out.strip() == "250.00"
