"""Insights timings, run in its own process against the database in DATABASE_URL (such as the
1M-invoice database that ``bench/run.py --sizes 1m --db sqlite --formats invoices`` leaves).

    DATABASE_URL=sqlite:///bench/data/bench-1m-invoices.sqlite3 \\
        python bench/insights.py --as-of 2026-11-30 [--repeat 3]

Prints one JSON object: for each selector behind the dashboard and for the pages themselves
(through Django's test client, logged in as a credit manager), the best wall time and the CPU
time of that same run (``time.process_time``: steadier than wall time on a shared machine), and
the number of SQL queries of one page."""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _best(fn, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        run = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    return {key: round(value, 3) for key, value in best.items()}


def measure(as_of: dt.date, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from encaisse.accounts.choices import Role
    from encaisse.accounts.models import User
    from encaisse.insights.forecast import cash_forecast
    from encaisse.insights.selectors import dso_by, dso_series, kpis
    from encaisse.receivables.models import Invoice

    result: dict = {"invoices_in_db": Invoice.objects.count(), "as_of": as_of.isoformat()}
    steps = {
        "kpis": lambda: kpis(as_of=as_of),
        "dso_series_12": lambda: dso_series(as_of=as_of, months=12),
        "dso_by_segment": lambda: dso_by(group="segment", as_of=as_of),
        "dso_by_collector": lambda: dso_by(group="collector", as_of=as_of),
        "dso_by_customer": lambda: dso_by(group="customer", as_of=as_of),
        "cash_forecast": lambda: cash_forecast(as_of=as_of),
    }
    for name, step in steps.items():
        result[name] = _best(step, repeat)
        print(name, result[name], file=sys.stderr, flush=True)
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password=None, role=Role.CREDIT_MANAGER
    )
    client = Client()
    client.force_login(user)
    for path in (f"/insights/?as_of={as_of}", f"/insights/dso/?as_of={as_of}"):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        result[path] = {
            "status": status,
            "queries": len(queries),
            **_best(lambda path=path: client.get(path), repeat),
        }
    result["load_average"] = os.getloadavg()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    print(json.dumps(measure(dt.date.fromisoformat(args.as_of), args.repeat), indent=2))


if __name__ == "__main__":
    main()
