"""Insights timings, run in its own process against the database in DATABASE_URL: the
1M-invoice, 100k-dispute, 2M-action database that ``bench/insights_data.py`` builds (or any
other ledger, such as the one ``bench/run.py --sizes 1m --db sqlite --formats invoices`` leaves).

    DATABASE_URL=sqlite:///$PWD/bench/data/bench-insights.sqlite3 \\
        .venv/bin/python bench/insights_data.py                  # once: the database (not timed)
    DATABASE_URL=sqlite:///$PWD/bench/data/bench-insights.sqlite3 \\
        .venv/bin/python bench/insights.py [--as-of 2026-11-30] [--repeat 3] \\
                                           [--modes live,snapshots] [--report-month 2026-11]

The same with ``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$BENCH_POSTGRES_DB``.

Prints one JSON object (and writes it to bench/results/insights-<timestamp>.json). For each
mode, ``live`` (no snapshot: every figure computed from the ledger) then ``snapshots`` (after
``snapshots_build``, itself timed): each selector behind the pages and each page
(``/insights/``, ``/insights/dso/``, ``/insights/dunning/``, ``/insights/disputes/``, or
those of ``--pages``; ``--no-selectors`` times the pages only), through Django's test client,
logged in as a credit manager), best of ``--repeat`` runs: wall time, the CPU time of our
process in that run (``time.process_time``) and, on PostgreSQL, the CPU time of the server
backend (read from /proc), the number of SQL queries of a page, and the load average. Then the
monthly report as the whole command (``encaisse report monthly``, a subprocess: wall and CPU
time of the command). The machine is shared: CPU times are the steadier guide."""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def _backend_cpu():
    sys.path.insert(0, str(ROOT))
    from bench.dunning import _backend_cpu as backend

    return backend()


def _best(fn, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        backend = _backend_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        run = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
        if backend is not None:
            run["server_cpu_s"] = _backend_cpu() - backend
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    best = {key: round(value, 3) for key, value in best.items()}
    best["load"] = round(os.getloadavg()[0], 1)
    return best


def _report(month: str) -> dict:
    """The monthly report as users run it: the whole command, in a subprocess."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.pdf"
        cmd = [sys.executable, "-m", "encaisse", "report", "monthly", "--month", month]
        cmd += ["--output", str(output)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=False)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr.decode()[-2000:])
        size = output.stat().st_size
    return {
        "wall_s": round(seconds, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3),
        "pdf_bytes": size,
        "load": round(os.getloadavg()[0], 1),
    }


def _selectors(as_of: dt.date, repeat: int) -> dict:
    from encaisse.insights.effectiveness import promise_rate, step_effectiveness
    from encaisse.insights.forecast import cash_forecast
    from encaisse.insights.selectors import dso_by, dso_series, kpis

    steps = {
        "kpis": lambda: kpis(as_of=as_of),
        "dso_series_12": lambda: dso_series(as_of=as_of, months=12),
        "dso_by_segment": lambda: dso_by(group="segment", as_of=as_of, limit=20),
        "dso_by_collector": lambda: dso_by(group="collector", as_of=as_of, limit=20),
        "dso_by_customer_50": lambda: dso_by(group="customer", as_of=as_of),
        "cash_forecast": lambda: cash_forecast(as_of=as_of),
        "step_effectiveness": lambda: step_effectiveness(as_of=as_of),
        "promise_rate": lambda: promise_rate(as_of=as_of),
    }
    result = {}
    for name, step in steps.items():
        result[name] = _best(step, repeat)
        print(name, result[name], file=sys.stderr, flush=True)
    return result


PAGES = ("/insights/", "/insights/dso/", "/insights/dunning/", "/insights/disputes/")


def _pages(as_of: dt.date, repeat: int, pages=PAGES) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from encaisse.accounts.choices import Role
    from encaisse.accounts.models import User

    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password=None, role=Role.CREDIT_MANAGER
    )
    client = Client()
    client.force_login(user)
    result = {}
    for path in pages:
        url = f"{path}?as_of={as_of}"
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        result[path] = {
            "status": status,
            "queries": len(queries),
            **_best(lambda url=url: client.get(url), repeat),
        }
        print(path, result[path], file=sys.stderr, flush=True)
    return result


def measure(
    as_of: dt.date,
    repeat: int,
    modes: list[str],
    report_month: str | None,
    pages=PAGES,
    selectors: bool = True,
) -> dict:
    from django.db import connection

    from encaisse.disputes.models import Dispute
    from encaisse.dunning.models import Action
    from encaisse.insights.models import SnapshotDay, SnapshotMonth, SnapshotState
    from encaisse.insights.snapshots import snapshots_build
    from encaisse.receivables.models import Invoice

    result: dict = {
        "vendor": connection.vendor,
        "as_of": as_of.isoformat(),
        "invoices": Invoice.objects.count(),
        "open_invoices": Invoice.objects.filter(status="open").count(),
        "disputes": Dispute.objects.count(),
        "actions": Action.objects.count(),
        "load_at_start": os.getloadavg(),
    }
    for mode in modes:
        if mode == "live":
            SnapshotState.objects.all().delete()
        else:
            result["snapshots_build"] = _best(snapshots_build, 1)
            result["snapshot_rows"] = {
                "months": SnapshotMonth.objects.count(),
                "days": SnapshotDay.objects.count(),
            }
            print("build", result["snapshots_build"], file=sys.stderr, flush=True)
        result[mode] = {
            **(_selectors(as_of, repeat) if selectors else {}),
            **_pages(as_of, repeat, pages),
        }
        if report_month:
            connection.close()
            result[mode]["report monthly"] = _report(report_month)
            print("report", result[mode]["report monthly"], file=sys.stderr, flush=True)
    result["load_at_end"] = os.getloadavg()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", help="the pages' date (default: today)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", default="live,snapshots")
    parser.add_argument("--report-month", default="2026-11", help="YYYY-MM, or '' to skip")
    parser.add_argument("--pages", default=",".join(PAGES), help="the pages to time")
    parser.add_argument("--no-selectors", action="store_true", help="time the pages only")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from encaisse.core.dates import today

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else today()
    record = measure(
        as_of,
        args.repeat,
        args.modes.split(","),
        args.report_month or None,
        pages=args.pages.split(","),
        selectors=not args.no_selectors,
    )
    text = json.dumps(record, indent=2, default=str)
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"insights-{record['vendor']}-{stamp}.json").write_text(text)


if __name__ == "__main__":
    main()
