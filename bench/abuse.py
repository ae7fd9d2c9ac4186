"""Benchmark of the abuse score refresh (``encaisse disputes score``), SQLite and PostgreSQL.

    .venv/bin/python bench/abuse.py [--sizes 100k,1m] [--db sqlite|postgres|both] [--reuse]

For each size (N invoices over N/10 customers, N/10 disputes) and database, a fresh migrated
database (a SQLite file under bench/data/, or the PostgreSQL database ``abuse``, or
``$BENCH_POSTGRES_DB``, whose public schema is emptied) gets, written straight with SQL (not
timed): the synthetic ledger of ``bench/dunning.py`` (due dates from 120 days ago to 30 days
ahead of 2026-11-30), then N/10
disputes raised over the last two years (40% still active, the rest settled, 30% of those
unfounded; one invoice each, 10% with a second one; half on the whole amount; reason codes
A1 to F3), evidence on half of them (0 to 30 days after), and dunning actions on their
invoices: a reminder email before 50% of the disputes, a formal notice before 20%, a courtesy
call with payment confirmed before 5%, plus N/4 unrelated done emails.

Then, timed by wall clock, with the CPU time of our process (``time.process_time``; for
SQLite the database works inside it; for PostgreSQL the server's backend CPU time is read from
/proc, the server running on this machine) and the load average before and after:

- ``refresh, in process``: ``abuse_scores_refresh(as_of=2026-11-30)``, split into the feature
  query (``abuse_features``) and the whole refresh (query, scoring, storing the scores);
- ``refresh, command``: ``encaisse disputes score --as-of 2026-11-30`` in a subprocess
  (start-up included), its CPU time from ``getrusage(RUSAGE_CHILDREN)``.

``--reuse`` skips building: it measures again on the database the last run left.

Results are printed and written to bench/results/abuse-<timestamp>.json."""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import databases, machine  # noqa: E402
from bench.dunning import _insert, build_ledger  # noqa: E402

DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
# BENCH_POSTGRES_DB picks another database (engineers sharing the server; never ``test``).
POSTGRES_DB = os.environ.get("BENCH_POSTGRES_DB", "abuse")
POSTGRES_URL = f"{databases.POSTGRES_SERVER}/{POSTGRES_DB}"
AS_OF = dt.date(2026, 11, 30)
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ACTIVE = ["new", "qualified", "in_progress", "waiting_customer", "solution_proposed"]


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "encaisse.settings"}


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def fresh(db: str, label: str) -> str:
    if db == "sqlite":
        return databases.sqlite_fresh(DATA_DIR, f"abuse-{label}")
    import psycopg

    with psycopg.connect(f"{databases.POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DB]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{POSTGRES_DB}"')
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return POSTGRES_URL


# --- in the child process (DATABASE_URL set) ---------------------------------------------------


def build_disputes(n_invoices: int, *, seed: int = 2) -> dict:
    """N/10 disputes, their lines, evidence and the dunning actions around them (docstring)."""
    from django.db import connection, transaction

    from encaisse.disputes.models import ReasonCode

    rng = random.Random(seed)
    n_customers, n_disputes = n_invoices // 10, n_invoices // 10
    codes = list(ReasonCode.objects.values_list("pk", "category_id", "department_id"))
    vendor = connection.vendor
    now = "2026-11-30 06:00:00+00:00"
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM customers_customer")
        first_customer = cursor.fetchone()[0]
        cursor.execute("SELECT MIN(id) FROM receivables_invoice")
        first_invoice = cursor.fetchone()[0]
    plan = []  # (dispute number, customer, raised_on, invoice ids, whole, status, founded)
    for d in range(n_disputes):
        customer = rng.randrange(n_customers)
        raised = AS_OF - dt.timedelta(days=rng.randint(0, 700))
        invoices = [first_invoice + customer * 10 + rng.randrange(10)]
        if rng.random() < 0.1:
            second = first_invoice + customer * 10 + rng.randrange(10)
            if second != invoices[0]:
                invoices.append(second)
        status = rng.choice(ACTIVE) if rng.random() < 0.4 else rng.choice(["resolved", "closed"])
        founded = None if status in ACTIVE else rng.random() >= 0.3
        plan.append((d + 1, first_customer + customer, raised, invoices, rng.random() < 0.5,
                     status, founded))  # fmt: skip

    def disputes():
        for number, customer, raised, invoices, whole, status, founded in plan:
            code, category, department = rng.choice(codes)
            settled = status not in ACTIVE
            resolved = f"{raised + dt.timedelta(days=rng.randint(1, 30))} 12:00:00+00:00"
            amount = 1000 * len(invoices) if whole else 250 * len(invoices)
            yield (
                f"LIT-B-{number:07d}", customer, "call", "", raised.isoformat(), category, code,
                department, status, f"{amount}.00", 0,
                ("goods_returned" if founded else "rejected") if settled else "", "",
                founded, resolved if settled else None,
                resolved if status == "closed" else None, now, now,
            )  # fmt: skip

    with transaction.atomic(), connection.cursor() as cursor:
        _insert(
            cursor,
            vendor,
            "disputes_dispute",
            ["number", "customer_id", "origin", "words", "raised_on", "category_id",
             "reason_code_id", "department_id", "status", "disputed_total", "escalation_level",
             "outcome", "credit_note_number", "founded", "resolved_at", "closed_at",
             "created_at", "updated_at"],
            disputes(),
        )  # fmt: skip
        cursor.execute("SELECT MIN(id) FROM disputes_dispute")
        first_dispute = cursor.fetchone()[0]

        def lines():
            for number, _customer, _raised, invoices, whole, _status, _founded in plan:
                for invoice in invoices:
                    yield (first_dispute + number - 1, invoice,
                           "1000.00" if whole else "250.00", "1000.00")  # fmt: skip

        _insert(
            cursor,
            vendor,
            "disputes_disputedinvoice",
            ["dispute_id", "invoice_id", "disputed_amount", "open_amount_at_opening"],
            lines(),
        )

        def evidence():
            for number, _customer, raised, _invoices, _whole, _status, _founded in plan:
                if rng.random() < 0.5:
                    at = raised + dt.timedelta(days=rng.randint(0, 30))
                    yield (first_dispute + number - 1, "preuve.pdf", f"b{number:08d}.pdf",
                           "application/pdf", 1000, "0" * 64, f"{at} 10:00:00+00:00",
                           False)  # fmt: skip

        _insert(
            cursor,
            vendor,
            "disputes_evidence",
            ["dispute_id", "original_name", "stored_name", "content_type", "size", "sha256",
             "uploaded_at", "from_customer"],
            evidence(),
        )  # fmt: skip
        actions = []  # (customer, channel, due_on, outcome, invoice)
        for _number, customer, raised, invoices, _whole, _status, _founded in plan:
            if rng.random() < 0.5:
                actions.append((customer, "email", raised - dt.timedelta(days=10), "", invoices[0]))
            if rng.random() < 0.2:
                actions.append((customer, "formal_notice", raised - dt.timedelta(days=3), "",
                                invoices[0]))  # fmt: skip
            if rng.random() < 0.05:
                actions.append((customer, "call", raised - dt.timedelta(days=40),
                                "payment_confirmed", invoices[0]))  # fmt: skip
        for _ in range(n_invoices // 4):
            customer = rng.randrange(n_customers)
            due = AS_OF - dt.timedelta(days=rng.randint(0, 700))
            actions.append((first_customer + customer, "email", due, "",
                            first_invoice + customer * 10 + rng.randrange(10)))  # fmt: skip
        _insert(
            cursor,
            vendor,
            "dunning_action",
            ["customer_id", "source", "channel", "template_code", "status", "priority",
             "due_on", "total", "include_penalties", "notes", "outcome", "created_at"],
            ((c, "manual", channel, "", "done", 0, due.isoformat(), "1000.00", False, "",
              outcome, now) for c, channel, due, outcome, _i in actions),
        )  # fmt: skip
        cursor.execute("SELECT MIN(id) FROM dunning_action")
        first_action = cursor.fetchone()[0]
        _insert(
            cursor,
            vendor,
            "dunning_actioninvoice",
            ["action_id", "invoice_id", "amount_due"],
            ((first_action + i, a[4], "1000.00") for i, a in enumerate(actions)),
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"disputes": n_disputes, "actions": len(actions)}


def _backend_cpu():
    """CPU seconds used so far by this connection's PostgreSQL backend (the server runs on this
    machine), or None (SQLite works inside our process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _in_process() -> dict:
    from django.db import connection

    from encaisse.disputes.abuse.features import abuse_features
    from encaisse.disputes.models import AbuseSettings
    from encaisse.disputes.services import abuse_scores_refresh

    server = _backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    features = abuse_features(as_of=AS_OF, config=AbuseSettings.current())
    query_s, query_cpu = time.perf_counter() - started, time.process_time() - cpu
    query_server = _backend_cpu() - server if server is not None else None
    connection.close()
    server = _backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    refresh = abuse_scores_refresh(as_of=AS_OF)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    server = _backend_cpu() - server if server is not None else None
    return {
        "server_cpu_s": round(server, 2) if server is not None else None,
        "feature_query_server_cpu_s": round(query_server, 2) if query_server is not None else None,
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "feature_query_s": round(query_s, 3),
        "feature_query_cpu_s": round(query_cpu, 3),
        "customers_with_features": len(features),
        "customers_scored": refresh.customers,
        "flagged": refresh.flagged,
    }


def _command(url: str) -> dict:
    cmd = [sys.executable, "-m", "encaisse", "disputes", "score", "--as-of", AS_OF.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=_env(url), capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3),
        "output": proc.stdout.strip()[-300:],
    }


def child(size: str, url: str, reuse: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from encaisse.disputes.models import Dispute
    from encaisse.receivables.models import Invoice

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if reuse:
        ledger = {"invoices": Invoice.objects.count(), "disputes": Dispute.objects.count()}
    else:
        ledger = build_ledger(SIZES[size])
        ledger.update(build_disputes(SIZES[size]))
    record = {"data": ledger, "data_build_s": round(time.perf_counter() - started, 1)}
    connection.close()
    load = _load()
    record["refresh, in process"] = {**_in_process(), "load_before": load, "load_after": _load()}
    connection.close()
    load = _load()
    record["refresh, command"] = {**_command(url), "load_before": load, "load_after": _load()}
    return record


# --- the parent --------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Abuse score benchmark (docs/benchmarks.md)")
    parser.add_argument("--sizes", default="1m")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reuse", action="store_true", help="measure on the last run's data")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child, reuse=args.reuse)))
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().replace(microsecond=0).isoformat(),
        "machine": machine.machine_info(POSTGRES_URL if "postgres" in dbs else None),
        "records": [],
    }
    for size in args.sizes.split(","):
        for db in dbs:
            if args.reuse:
                url = (
                    databases.sqlite_url(DATA_DIR, f"abuse-{size}")
                    if db == "sqlite"
                    else POSTGRES_URL
                )
            else:
                url = fresh(db, size)
            print(f"{size} on {db} (load {_load()}): building the data, then scoring", flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", size, url]
                + (["--reuse"] if args.reuse else []),
                env=_env(url),
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            record = json.loads(proc.stdout.strip().splitlines()[-1])
            record.update(size=size, db=db, reused=args.reuse)
            result["records"].append(record)
            print(f"  data: {record['data']} (built in {record['data_build_s']} s)")
            for key, value in record.items():
                if isinstance(value, dict) and "seconds" in value:
                    print(f"  {key}: {value}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"abuse-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
