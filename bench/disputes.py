"""Benchmark of the dispute statistics and the department worklist query (issue 4), SQLite
and PostgreSQL.

    .venv/bin/python bench/disputes.py [--sizes 100k] [--db sqlite|postgres|both] [--reuse]

For each size (N disputes over 10 N invoices, 1 N customers: 100k disputes over 1M invoices),
a fresh migrated database (a SQLite file under bench/data/, or the PostgreSQL database
``disputes``, or ``$BENCH_POSTGRES_DB``, dropped and created again) gets the dunning
benchmark's ledger and a disputes history (``bench/disputes_data.py``), written with SQL and
not timed. Then, in process, each
read is run 5 times and reported by its best and median wall time, with the CPU time of our
process for the best run and, for PostgreSQL, that of the server backend serving our
connection (read from /proc: the server runs on this machine), and the load average of the
machine at that moment (the machine is shared):

- ``dispute_statistics`` for the total alone and grouped by each dimension, over everything a
  credit manager sees; by category over the last 90 days; by reason code as a department
  member; the Pareto of root causes; the before/after trend of preventive actions;
- the statistics page itself through Django's test client (the grouping, the root causes,
  the trend, the chart and the template);
- the department worklist query: the active disputes of the largest department, nearest
  deadline first, the first page of 50 (``dispute_dept_worklist_idx``), and the same as that
  department's member sees it (their department or what they own);
- the worklist pages as ``worklist_page`` reads them (first page of 50 with the badges and the
  "ready to close" flags): the department tab as its member, with and without the "ready to
  close" filter, all departments with it, all departments late only.

Results are printed and written to bench/results/disputes-<timestamp>.json. ``--reuse``
measures again the databases the last run built (no build)."""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import databases, machine  # noqa: E402

DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
# BENCH_POSTGRES_DB picks another database, so that engineers sharing the server do not drop
# each other's (never ``test`` or ``bench``, which CI and the coordinator use).
POSTGRES_DB = os.environ.get("BENCH_POSTGRES_DB", "disputes")
POSTGRES_URL = f"{databases.POSTGRES_SERVER}/{POSTGRES_DB}"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
AS_OF = dt.date(2026, 11, 30)
REPEAT = 5


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "encaisse.settings"}


def _load() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


def fresh(db: str, label: str) -> str:
    if db == "sqlite":
        return databases.sqlite_fresh(DATA_DIR, f"disputes-{label}")
    import psycopg

    with psycopg.connect(f"{databases.POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{POSTGRES_DB}"')
    return POSTGRES_URL


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (the server runs on
    this machine; parallel workers, if any, are not counted), 0 on SQLite (the database works
    inside our process, in ``time.process_time``)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn) -> dict:
    """Best and median wall time of REPEAT runs, the CPU time of the best run (our process,
    and the PostgreSQL backend serving us), the load average."""
    runs = []
    for _ in range(REPEAT):
        server = _backend_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall, ours = time.perf_counter() - started, time.process_time() - cpu
        runs.append((wall, ours, _backend_cpu() - server))
    best = min(runs)
    return {
        "best_ms": round(best[0] * 1000, 1),
        "median_ms": round(statistics.median(r[0] for r in runs) * 1000, 1),
        "cpu_ms": round(best[1] * 1000, 1),
        "server_cpu_ms": round(best[2] * 1000, 1),
        "load": _load(),
        "rows": len(result) if hasattr(result, "__len__") else None,
    }


def child(size: str, reuse: bool = False) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, F
    from django.test import Client

    from bench.disputes_data import build_disputes
    from bench.dunning import build_ledger
    from encaisse.accounts.models import User
    from encaisse.disputes.choices import ACTIVE_STATUSES
    from encaisse.disputes.models import Dispute
    from encaisse.disputes.selectors import dispute_list
    from encaisse.disputes.services.preventive import (
        preventive_action_create,
        preventive_action_set_status,
    )
    from encaisse.disputes.statistics import (
        GROUPS,
        StatsFilters,
        dispute_statistics,
        dispute_statistics_page,
        root_cause_pareto,
        root_cause_trend,
    )
    from encaisse.disputes.statistics.exports import grouping_rows

    n = SIZES[size]
    if reuse:  # measure the database the last run built (--reuse)
        record = {"reused": True, "build_s": 0, "data": {"disputes": Dispute.objects.count()}}
        manager = User.objects.get(username="bench-manager")
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        ledger = build_ledger(n * 10)
        data = build_disputes(n)
        record = {"ledger": ledger, "data": data}
        record["build_s"] = round(time.perf_counter() - started, 1)
        manager = User.objects.create_user("bench-manager", role="credit_manager")
    top = (
        Dispute.objects.filter(status__in=ACTIVE_STATUSES, department__isnull=False)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    member = User.objects.filter(department_id=top["department_id"]).first()
    cause = Dispute.objects.filter(root_cause__isnull=False).values_list("root_cause", flat=True)[0]
    from encaisse.disputes.models import RootCause

    action = (
        None
        if reuse
        else preventive_action_create(
            actor=manager,
            root_cause=RootCause.objects.get(pk=cause),
            description="bench",
            due_on=dt.date(2026, 6, 1),
        )
    )
    if action is not None:
        preventive_action_set_status(
            actor=manager, action=action, status="done", done_on=dt.date(2026, 6, 1)
        )
    everything = StatsFilters(as_of=AS_OF)
    last_90 = StatsFilters(as_of=AS_OF, raised_from=AS_OF - dt.timedelta(days=90))
    reads = {}
    reads["statistics total"] = timed(
        lambda: [dispute_statistics(user=manager, group_by=None, filters=everything)]
    )
    for group_by in GROUPS:
        reads[f"statistics by {group_by}"] = timed(
            lambda g=group_by: dispute_statistics(user=manager, group_by=g, filters=everything).rows
        )
    reads["statistics by customer, 50 largest (the page)"] = timed(
        lambda: (
            dispute_statistics(user=manager, group_by="customer", filters=everything, limit=50).rows
        )
    )
    reads["statistics by customer, API page of 100 (and the count)"] = timed(
        lambda: (
            dispute_statistics_page(
                user=manager, group_by="customer", filters=everything, limit=100
            ).rows
        )
    )
    reads["statistics by customer, the export's rows (every customer)"] = timed(
        lambda: list(grouping_rows(user=manager, group_by="customer", filters=everything))
    )
    reads["statistics by category, last 90 days"] = timed(
        lambda: dispute_statistics(user=manager, group_by="category", filters=last_90).rows
    )
    reads["statistics by reason code, department member"] = timed(
        lambda: dispute_statistics(user=member, group_by="reason_code", filters=everything).rows
    )
    reads["pareto of root causes"] = timed(
        lambda: root_cause_pareto(user=manager, filters=everything)
    )
    reads["preventive trend"] = timed(lambda: root_cause_trend(user=manager, filters=everything))
    client = Client()
    client.force_login(manager)

    def page():
        response = client.get("/disputes/statistics/?group_by=category")
        assert response.status_code == 200, response.status_code
        return [response]

    reads["statistics page (category)"] = timed(page)
    department = top["department_id"]
    reads["worklist: department, first 50"] = timed(
        lambda: list(
            Dispute.objects.filter(department_id=department, status__in=ACTIVE_STATUSES)
            .select_related("customer", "reason_code", "owner")
            .order_by(F("target_date").asc(nulls_last=True), "id")[:50]
        )
    )
    reads["worklist: as the department member, first 50"] = timed(
        lambda: list(
            dispute_list(user=member, active=True).order_by(
                F("target_date").asc(nulls_last=True), "id"
            )[:50]
        )
    )
    from encaisse.disputes.worklist import WorklistFilters, worklist_page

    # The worklist as its page reads it (keyset page of 50, badges, "ready to close" flags).
    reads["worklist page: department tab, as its member"] = timed(
        lambda: (
            worklist_page(user=member, filters=WorklistFilters(tab="department"), on=AS_OF).items
        )
    )
    reads["worklist page: department tab, ready to close, as its member"] = timed(
        lambda: (
            worklist_page(
                user=member, filters=WorklistFilters(tab="department", ready=True), on=AS_OF
            ).items
        )
    )
    reads["worklist page: all departments, ready to close"] = timed(
        lambda: (
            worklist_page(
                user=manager, filters=WorklistFilters(tab="all", ready=True), on=AS_OF
            ).items
        )
    )
    reads["worklist page: all departments, late only"] = timed(
        lambda: (
            worklist_page(
                user=manager, filters=WorklistFilters(tab="all", late=True), on=AS_OF
            ).items
        )
    )
    record["department_active"] = top["n"]
    record["reads"] = reads
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Disputes benchmark (docs/benchmarks.md)")
    parser.add_argument("--sizes", default="100k")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases the last run built"
    )
    parser.add_argument("--child", metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, reuse=args.reuse)))
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().replace(microsecond=0).isoformat(),
        "machine": machine.machine_info(
            f"{databases.POSTGRES_SERVER}/postgres" if "postgres" in dbs else None
        ),
        "records": [],
    }
    for size in args.sizes.split(","):
        for db in dbs:
            if args.reuse:
                url = (
                    POSTGRES_URL
                    if db == "postgres"
                    else databases.sqlite_url(DATA_DIR, f"disputes-{size}")
                )
            else:
                url = fresh(db, size)
            load = _load()
            print(f"{size} disputes on {db} (load {load}): building, then measuring", flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", size, *(["--reuse"] if args.reuse else [])],
                env=_env(url),
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            record = json.loads(proc.stdout.strip().splitlines()[-1])
            record.update(size=size, db=db, load_before=load, load_after=_load())
            result["records"].append(record)
            print(f"  built in {record['build_s']} s: {record['data']}")
            for name, figures in record["reads"].items():
                print(
                    f"  {name:<48} best {figures['best_ms']:>8} ms  median "
                    f"{figures['median_ms']:>8} ms  cpu {figures['cpu_ms']:>8} ms  "
                    f"server cpu {figures.get('server_cpu_ms', 0):>8} ms  load {figures['load']}"
                )
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"disputes-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
