"""Benchmark of the insights disputes page and the collectors' activity (issue 5, points 5, 6
and 8), on PostgreSQL (``BENCH_POSTGRES_DB``, default ``bench``) or SQLite.

    BENCH_POSTGRES_DB=h_me_bench .venv/bin/python bench/insights_disputes.py --size 10k

A fresh database gets the disputes benchmark's data (``bench.dunning.build_ledger``: 10 N
invoices over N customers; ``bench.disputes_data.build_disputes``: N disputes over the 12
months before 30 November 2026), not timed. Then each read runs 5 times in process (best and
median wall time, the CPU time of our process for the best run, the load average):
``disputes_overview`` (every figure of ``/insights/disputes/``), the page through the test
client, the customer table's export, and ``collector_activity`` over 12 months.

``--reuse`` measures instead the database ``bench/disputes.py`` built last (same data, plus the
one done preventive action that bench records, so the trend has a cause to follow): no build.
For PostgreSQL the CPU time of the server backend serving us is reported beside ours."""

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import databases  # noqa: E402
from bench.disputes import AS_OF, POSTGRES_URL, SIZES, _env, _load, timed  # noqa: E402

DATA_DIR = ROOT / "bench" / "data"


def child(size: str, reuse: bool = False) -> dict:
    import time

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.disputes_data import build_disputes
    from bench.dunning import build_ledger
    from encaisse.accounts.models import User
    from encaisse.insights.collectors import collector_activity
    from encaisse.insights.disputes import disputes_overview, stats_filters
    from encaisse.insights.queries import Scope

    n = SIZES[size]
    if reuse:
        record = {"build_s": 0, "data": "reused"}
        manager = User.objects.get(username="bench-manager")
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        record = {"ledger": build_ledger(n * 10), "data": build_disputes(n)}
        record["build_s"] = round(time.perf_counter() - started, 1)
        manager = User.objects.create_user("bench-manager", role="credit_manager")
    filters = stats_filters(as_of=AS_OF, start=dt.date(2025, 12, 1), scope=Scope(), department=None)
    client = Client()
    client.force_login(manager)
    query = {"as_of": AS_OF.isoformat()}

    def page():
        response = client.get("/insights/disputes/", query)
        assert response.status_code == 200, response.status_code
        return [response]

    def export():
        response = client.get("/insights/disputes/export/customer/xlsx/", query)
        assert response.status_code == 200, response.status_code
        return [b"".join(response.streaming_content)]

    record["reads"] = {
        "disputes_overview (12 months)": timed(
            lambda: [disputes_overview(user=manager, filters=filters)]
        ),
        "/insights/disputes/ page": timed(page),
        "customer table export (xlsx, every customer)": timed(export),
        "collector_activity (12 months)": timed(
            lambda: collector_activity(start=dt.date(2025, 12, 1), end=AS_OF)
        ),
    }
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Insights disputes benchmark")
    parser.add_argument("--size", default="10k", choices=list(SIZES))
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database bench/disputes.py built"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.size, reuse=args.reuse)))
        return 0
    if args.reuse:
        url = (
            POSTGRES_URL
            if args.db == "postgres"
            else databases.sqlite_url(DATA_DIR, f"disputes-{args.size}")
        )
    elif args.db == "postgres":
        url = databases.postgres_fresh()
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = databases.sqlite_fresh(DATA_DIR, f"insights-disputes-{args.size}")
    print(f"{args.size} disputes on {args.db} (load {_load()}): building, then measuring")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--size",
            args.size,
            *(["--reuse"] if args.reuse else []),
        ],
        env=_env(url),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return 1
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  built in {record['build_s']} s: {record['data']}")
    for name, figures in record["reads"].items():
        print(
            f"  {name:<46} best {figures['best_ms']:>8} ms  median {figures['median_ms']:>8} ms"
            f"  cpu {figures['cpu_ms']:>8} ms  server cpu {figures.get('server_cpu_ms', 0):>7} ms"
            f"  load {figures['load']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
