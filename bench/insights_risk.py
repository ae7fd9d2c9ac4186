"""Timings of the aged balance by group and of the customer risk view, run in its own process
against the database in DATABASE_URL (such as the 1M-invoice database that
``bench/run.py --sizes 1m --db sqlite --formats invoices --only import`` leaves).

    DATABASE_URL=sqlite:///$PWD/bench/data/bench-1m-sqlite.sqlite3 \\
        python bench/insights_risk.py [--repeat 3] [--limits]

``--limits`` first gives every other customer a credit limit of 80 % of its open balance (the
generated ledgers have none), so the "over the limit" filter and sort have rows to find. Prints
one JSON object: for each selector and page, the best wall time, the CPU time of that same run
(``time.process_time``: steadier than wall time on a shared machine) and the number of SQL
queries of one run, with the load average."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _best(fn, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            fn()
        run = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    result = {key: round(value, 3) for key, value in best.items()}
    result["queries"] = len(queries)
    return result


def _give_limits() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET credit_limit = ROUND(open_balance * 0.8, 2) "
            "WHERE id % 2 = 0 AND open_balance > 0"
        )


def measure(repeat: int) -> dict:
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
        "invoices_in_db": Invoice.objects.count(),
        "customers_with_balance": Customer.objects.filter(open_balance__gt=0).count(),
        "load_before": os.getloadavg(),
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
        result[name] = _best(step, repeat)
        print(name, result[name], file=sys.stderr, flush=True)
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password=None, role=Role.CREDIT_MANAGER
    )
    client = Client()
    client.force_login(user)
    pages = [
        "/insights/aged/?group=segment",
        "/insights/aged/?group=customer",
        "/insights/risk/",
        "/insights/risk/?sort=days_late",
        f"/customers/{customer.pk}/",
    ]
    for path in pages:
        result[path] = {
            "status": client.get(path).status_code,
            **_best(lambda path=path: client.get(path), repeat),
        }
        print(path, result[path], file=sys.stderr, flush=True)
    result["/insights/risk/export/csv/ (every customer)"] = _best(
        lambda: b"".join(client.get("/insights/risk/export/csv/").streaming_content), 1
    )
    result["load_after"] = os.getloadavg()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limits", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    if args.limits:
        _give_limits()
    print(json.dumps(measure(args.repeat), indent=2))


if __name__ == "__main__":
    main()
