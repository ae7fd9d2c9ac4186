"""Benchmark of the daily dunning run (``encaisse dunning run``), SQLite and PostgreSQL.

    .venv/bin/python bench/dunning.py [--sizes 100k,1m] [--db sqlite|postgres|both]
                                      [--pg-db NAME]

For each size (N open invoices over N/10 customers) and database, a fresh migrated database (a
SQLite file under bench/data/, or the PostgreSQL database ``--pg-db``, default
$BENCH_DUNNING_PG_DB, else $BENCH_POSTGRES_DB, else ``dunning``, dropped and created again)
gets a synthetic ledger written straight with SQL (not timed): customers in the four shipped
segments (so three scenarios), 10 collectors, due dates from 120 days ago to 30 days ahead of
the run date 2026-11-30, 5% of invoices partly paid, 1% of customers on hold, 1% of invoices
blocked, 0.5% partly blocked, 0.5% of customers blocked, 1% of customers with an open promise.
Then, timed by wall clock and by CPU time (the machine is shared): our process's, and for
PostgreSQL in process the server backend's, read from /proc:

- ``first run, in process``: ``dunning_run_generate(as_of=2026-11-30, collect=False)``: every
  open invoice catches up with its step, so nearly all of them get an action (the worst day);
- then the actions, states and runs are deleted, and ``first run, command``: the whole command
  ``encaisse dunning run --as-of 2026-11-30 --json`` in a subprocess (JSON of all actions
  written to a file), the same work plus start-up and output;
- ``next day, command`` and ``next day + 1, in process``: ordinary days after it.

Results are printed and written to bench/results/dunning-<timestamp>.json."""

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

DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
# The PostgreSQL database the benchmark empties: ``--pg-db`` (each engineer on a shared server
# uses their own): else $BENCH_DUNNING_PG_DB, else $BENCH_POSTGRES_DB (the imports bench's
# variable), else ``dunning``.
DEFAULT_POSTGRES_DB = (
    os.environ.get("BENCH_DUNNING_PG_DB") or os.environ.get("BENCH_POSTGRES_DB") or "dunning"
)
POSTGRES_DB = DEFAULT_POSTGRES_DB
AS_OF = dt.date(2026, 11, 30)
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SEGMENTS = ["sme"] * 7 + ["retail", "key-accounts", "public"]


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "encaisse.settings"}


def postgres_url() -> str:
    return f"{databases.POSTGRES_SERVER}/{POSTGRES_DB}"


def fresh(db: str, label: str) -> str:
    if db == "sqlite":
        return databases.sqlite_fresh(DATA_DIR, f"dunning-{label}")
    import psycopg

    with psycopg.connect(f"{databases.POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return postgres_url()


# --- in the child process (DATABASE_URL set) ---------------------------------------------------


def _insert(cursor, vendor: str, table: str, columns: list[str], rows) -> None:
    if vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 20_000:
            cursor.executemany(statement, batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)


def build_ledger(n_invoices: int, *, seed: int = 1) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from encaisse.customers.models import Segment

    rng = random.Random(seed)
    n_customers = n_invoices // 10
    segments = dict(Segment.objects.values_list("code", "pk"))
    user_model = get_user_model()
    collectors = [
        user_model.objects.create_user(username=f"collector{i}", role="collector").pk
        for i in range(10)
    ]
    vendor = connection.vendor
    now = "2026-11-30 06:00:00"
    with transaction.atomic(), connection.cursor() as cursor:

        def customers():
            for i in range(1, n_customers + 1):
                yield (
                    f"C{i:07d}", f"Client {i}", "", "", "", segments[rng.choice(SEGMENTS)],
                    collectors[i % 10], None, "", None, "fr", "", "", "", "", "", "FR", None,
                    rng.random() < 0.01, "", 0, 0, None, now, now,
                )  # fmt: skip

        _insert(
            cursor,
            vendor,
            "customers_customer",
            ["code", "name", "siren", "siret", "vat_number", "segment_id", "collector_id",
             "salesperson_id", "terms_kind", "terms_days", "language", "email", "phone",
             "address", "postal_code", "city", "country", "credit_limit", "on_hold", "notes",
             "open_balance", "overdue_balance", "balances_as_of", "created_at", "updated_at"],
            customers(),
        )  # fmt: skip
        cursor.execute("SELECT MIN(id) FROM customers_customer")
        first_customer = cursor.fetchone()[0]

        def invoices():
            for i in range(n_invoices):
                due = AS_OF - dt.timedelta(days=rng.randint(-30, 120))
                cents = rng.randint(5_000, 2_000_000)
                open_cents = cents if rng.random() > 0.05 else cents // 2
                yield (
                    first_customer + i // 10, "invoice", f"F{i + 1:08d}",
                    (due - dt.timedelta(days=30)).isoformat(), due.isoformat(),
                    f"{cents / 100:.2f}", f"{open_cents / 100:.2f}", "EUR", "open", "", "",
                    "demo", now, now,
                )  # fmt: skip

        _insert(
            cursor,
            vendor,
            "receivables_invoice",
            ["customer_id", "kind", "number", "issue_date", "due_date", "amount", "open_amount",
             "currency", "status", "reference", "label", "source", "created_at", "updated_at"],
            invoices(),
        )  # fmt: skip
        cursor.execute("SELECT MIN(id) FROM receivables_invoice")
        first_invoice = cursor.fetchone()[0]

        def blocks():
            for _ in range(n_invoices // 100):
                invoice = first_invoice + rng.randrange(n_invoices)
                customer = first_customer + (invoice - first_invoice) // 10
                yield ("dispute", customer, invoice, None, "Litige", "2026-11-01", None, now)
            for _ in range(n_invoices // 200):
                invoice = first_invoice + rng.randrange(n_invoices)
                customer = first_customer + (invoice - first_invoice) // 10
                yield ("dispute", customer, invoice, "10.00", "Litige partiel", "2026-11-01",
                       None, now)  # fmt: skip
            for _ in range(n_customers // 200):
                customer = first_customer + rng.randrange(n_customers)
                yield ("block", customer, None, None, "Procédure", "2026-11-01", None, now)

        _insert(
            cursor,
            vendor,
            "dunning_block",
            ["kind", "customer_id", "invoice_id", "blocked_amount", "reason", "starts_on",
             "ends_on", "created_at"],
            blocks(),
        )  # fmt: skip
        promised = rng.sample(range(n_customers), n_customers // 100)
        _insert(
            cursor,
            vendor,
            "dunning_promisetopay",
            ["customer_id", "amount", "promised_on", "grace_days", "channel", "taken_at",
             "notes", "status", "paid_amount"],
            ((first_customer + c, "500.00", "2026-12-05", 3, "call", now, "", "open", "0")
             for c in promised),
        )  # fmt: skip
        cursor.execute(
            "INSERT INTO dunning_promiseinvoice (promise_id, invoice_id, open_amount_at_promise) "
            "SELECT p.id, i.id, i.open_amount FROM dunning_promisetopay p "
            "JOIN receivables_invoice i ON i.customer_id = p.customer_id"
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            # Flush what the build wrote, so the timed run does not pay for its checkpoint.
            cursor.execute("CHECKPOINT")
    return {"invoices": n_invoices, "customers": n_customers}


def _command(url: str, as_of: dt.date, out: Path) -> dict:
    cmd = [sys.executable, "-m", "encaisse", "dunning", "run", "--as-of", as_of.isoformat()]
    cmd.append("--json")
    with out.open("w") as stdout:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=_env(url), stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.decode()[-2000:])
    actions = json.loads(out.read_text())
    return {
        "seconds": round(seconds, 3),
        # CPU time of the command itself (the database server's, for PostgreSQL, not included).
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3),
        "actions": len(actions),
        "invoices": sum(len(a["invoices"]) for a in actions),
        "json_mb": round(out.stat().st_size / 2**20, 1),
    }


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process, read from
    /proc (the server runs on this machine), or None (SQLite, or another machine)."""
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


def _in_process(as_of: dt.date) -> dict:
    from encaisse.dunning.services import dunning_run_generate

    backend = _backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    run = dunning_run_generate(as_of=as_of, collect=False).run
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if backend is not None:
        backend = round(_backend_cpu() - backend, 3)
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        # PostgreSQL: the CPU seconds of the server process that ran it (parallel workers not
        # included).
        "server_cpu_s": backend,
        "actions": run.actions_created,
        "invoices": run.invoices_dunned,
        "considered": run.invoices_considered,
        "skipped": run.skipped_on_hold + run.skipped_blocked + run.skipped_promise,
    }


def child(size: str, url: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from encaisse.dunning.models import Action, InvoiceDunningState, Run

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ledger = build_ledger(SIZES[size])
    record = {"ledger": ledger, "ledger_build_s": round(time.perf_counter() - started, 1)}
    record["first run, in process"] = _in_process(AS_OF)
    with connection.cursor() as cursor:
        for table in ("dunning_actioninvoice", "dunning_action", "dunning_invoicedunningstate"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
    Run.objects.all().delete()
    assert not Action.objects.exists() and not InvoiceDunningState.objects.exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            # Flush what the build wrote, so the timed run does not pay for its checkpoint.
            cursor.execute("CHECKPOINT")
    connection.close()
    out = DATA_DIR / f"dunning-{size}.json"
    record["first run, command"] = _command(url, AS_OF, out)
    record["next day, command"] = _command(url, AS_OF + dt.timedelta(days=1), out)
    record["next day + 1, in process"] = _in_process(AS_OF + dt.timedelta(days=2))
    out.unlink()
    return record


# --- the parent --------------------------------------------------------------------------------


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Dunning run benchmark (docs/benchmarks.md)")
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--pg-db",
        default=DEFAULT_POSTGRES_DB,
        help="the PostgreSQL database to empty and use ($BENCH_DUNNING_PG_DB, "
        "$BENCH_POSTGRES_DB, else dunning)",
    )
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global POSTGRES_DB
    POSTGRES_DB = os.environ["BENCH_DUNNING_PG_DB"] = args.pg_db
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    result = {
        "started": dt.datetime.now().replace(microsecond=0).isoformat(),
        "machine": machine.machine_info(postgres_url() if "postgres" in dbs else None),
        "records": [],
    }
    for size in args.sizes.split(","):
        for db in dbs:
            url = fresh(db, size)
            load = _load()
            print(f"{size} on {db} (load {load}): building the ledger, then running", flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", size, url],
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
            for key, value in record.items():
                if isinstance(value, dict) and "seconds" in value:
                    print(f"  {key}: {value}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"dunning-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
