"""Timings of the aged balance by group and of the customer risk view, run in its own process
against the database in DATABASE_URL (such as the 1M-invoice database that
``bench/run.py --sizes 1m --db sqlite --formats invoices --only import`` leaves).

    DATABASE_URL=sqlite:///$PWD/bench/data/bench-1m-sqlite.sqlite3 \\
        python bench/insights_risk.py [--repeat 3] [--limits] [--only aged,risk_page]

The same with ``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$BENCH_POSTGRES_DB``, or on the
insights benchmark's database (``bench/insights_data.py``).

``--limits`` first refreshes the customers' stored balances (a ledger written straight with SQL,
as ``bench/insights_data.py`` writes it, has none: the risk view would list nobody) and gives
every other customer a credit limit of 80 % of its open balance (the generated ledgers have
none), so the "over the limit" filter and sort have rows to find; on PostgreSQL it then analyzes
the database (as autovacuum would). Prints
one JSON object: for each selector and page, the best wall time, the CPU time of that same run
(``time.process_time``: steadier than wall time on a shared machine), on PostgreSQL the CPU time
of the server backend in that run (read from /proc; parallel workers are turned off so
that it is all of the server's CPU), and the number of SQL queries of one run,
with the load average. ``--only`` keeps the steps and pages whose name contains one of its
comma-separated words. ``--snapshots`` first builds the insights snapshots, as the worker does
(the risk view sorted by days late reads the customers' lateness from them while they hold);
without it they are deleted and every figure is computed live."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _backend_cpu():
    from bench.dunning import _backend_cpu as backend

    return backend()


def _best(fn, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(repeat):
        backend = _backend_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            fn()
        run = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
        if backend is not None:
            run["server_cpu_s"] = _backend_cpu() - backend
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    result = {key: round(value, 3) for key, value in best.items()}
    result["queries"] = len(queries)
    return result


def _give_limits() -> None:
    from django.db import connection

    from encaisse.receivables.services.balances import customer_balances_refresh

    customer_balances_refresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET credit_limit = ROUND(open_balance * 0.8, 2) "
            "WHERE id % 2 = 0 AND open_balance > 0"
        )
        if connection.vendor == "postgresql":
            # What autovacuum does after such updates: with the statistics of a ledger without
            # balances, the planner expects one customer with a balance and loops over the
            # lateness sums for each of 100,000 (the days-late sort ran for over 10 minutes).
            cursor.execute("ANALYZE")


def _wanted(name: str, only: list[str]) -> bool:
    return not only or any(word in name for word in only)


def _snapshots(build: bool) -> dict:
    """Build the insights snapshots (as the worker does), or delete them so that every figure
    is computed live."""
    from encaisse.insights.models import SnapshotState
    from encaisse.insights.snapshots import snapshots_build

    if not build:
        SnapshotState.objects.all().delete()
        return {"snapshots": "none: every figure live"}
    return {"snapshots": "built", "snapshots_build": _best(snapshots_build, 1)}


def measure(repeat: int, only: list[str], snapshots: bool) -> dict:
    from django.db import connection
    from django.test import Client

    from encaisse.accounts.choices import Role
    from encaisse.accounts.models import User
    from encaisse.core.dates import today
    from encaisse.customers.models import Customer
    from encaisse.insights.aged import aged_groups
    from encaisse.insights.queries import Scope
    from encaisse.insights.risk import RiskFilters, customer_risk, risk_page
    from encaisse.receivables.models import Invoice

    customer = Customer.objects.filter(open_balance__gt=0).order_by("-open_balance").first()
    result: dict = {
        "vendor": connection.vendor,
        "invoices_in_db": Invoice.objects.count(),
        "customers_with_balance": Customer.objects.filter(open_balance__gt=0).count(),
        "load_before": os.getloadavg(),
        **_snapshots(snapshots),
    }
    steps = {
        "aged_by_segment": lambda: aged_groups(as_of=today(), scope=Scope(), group="segment"),
        "aged_by_collector": lambda: aged_groups(as_of=today(), scope=Scope(), group="collector"),
        "aged_by_customer": lambda: aged_groups(as_of=today(), scope=Scope(), group="customer"),
        "risk_page_exposure": lambda: risk_page(filters=RiskFilters()),
        "risk_page_exposure_page_40": lambda: risk_page(filters=RiskFilters(), page=40),
        "risk_page_over_limit_sort": lambda: risk_page(filters=RiskFilters(sort="over_limit")),
        "risk_page_over_limit_only": lambda: risk_page(filters=RiskFilters(over_limit_only=True)),
        "risk_page_days_late": lambda: risk_page(filters=RiskFilters(sort="days_late")),
        "risk_page_score": lambda: risk_page(filters=RiskFilters(sort="score")),
        "customer_risk_card": lambda: customer_risk(customer.pk),
    }
    for name, step in steps.items():
        if not _wanted(name, only):
            continue
        result[name] = _best(step, repeat)
        print(name, result[name], file=sys.stderr, flush=True)
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password=None, role=Role.CREDIT_MANAGER
    )
    client = Client()
    client.force_login(user)
    pages = [
        "/insights/aged/?group=segment",
        "/insights/aged/?group=collector",
        "/insights/aged/?group=customer",
        "/insights/aged/?group=customer&page=40",
        "/insights/risk/",
        "/insights/risk/?sort=days_late",
        "/insights/risk/?sort=days_late&page=40",
        f"/customers/{customer.pk}/",
    ]
    for path in pages:
        if not _wanted(path, only):
            continue
        result[path] = {
            "status": client.get(path).status_code,
            **_best(lambda path=path: client.get(path), repeat),
        }
        print(path, result[path], file=sys.stderr, flush=True)
    exports = ["/insights/risk/export/csv/", "/insights/aged/export/csv/?group=customer"]
    for path in exports:
        if _wanted(path, only):
            result[f"{path} (every customer)"] = _best(
                lambda path=path: b"".join(client.get(path).streaming_content), 1
            )
            print(path, result[f"{path} (every customer)"], file=sys.stderr, flush=True)
    result["load_after"] = os.getloadavg()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limits", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated words of step names")
    parser.add_argument(
        "--snapshots", action="store_true", help="build the snapshots first (else: none)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        # No parallel workers: the server CPU read from /proc is then all of it (a worker's
        # CPU is in another process, uncounted).
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
    if args.limits:
        _give_limits()
    only = [word for word in args.only.split(",") if word]
    print(json.dumps(measure(args.repeat, only, args.snapshots), indent=2))


if __name__ == "__main__":
    main()
