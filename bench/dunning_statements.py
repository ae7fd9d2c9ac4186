"""The dunning run on PostgreSQL, statement by statement (docs/benchmarks.md, "Dunning run").

    BENCH_POSTGRES_DB=h_me_bench .venv/bin/python bench/dunning_statements.py TEMPLATE [DAY ...]

Copies the database TEMPLATE (a ledger built once, e.g. by ``bench/dunning.py``'s
``build_ledger`` into a database of its own) into $BENCH_POSTGRES_DB (dropped and created
again; never ``test`` or ``bench``), migrates it with the code of the current directory, then
runs ``dunning_run_generate(collect=False)`` in process for 2026-11-30 plus each DAY (default
0 1: the first run, then an ordinary day). For each run: wall seconds, our process's CPU
seconds, the server backend's CPU seconds (read from /proc: the server's CPU is not in our
process's time), the load average, and the statements that took longest, each with its
server CPU seconds. With EXPLAIN=<ms>, the plans of the statements slower than that go to
bench/results/dunning-plans.log (``auto_explain`` loaded in the run's session).

Run it from another tree (``git archive main | tar -x -C /tmp/old``, then ``cd /tmp/old``
and the same command with this file's path) to time the old code on the same ledger."""

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

SERVER = "postgresql://postgres@127.0.0.1:5432"
AS_OF = dt.date(2026, 11, 30)
SHOWN = 12


def main() -> int:
    import psycopg

    template, days = sys.argv[1], [int(d) for d in sys.argv[2:]] or [0, 1]
    work = os.environ.get("BENCH_POSTGRES_DB", "")
    if not work or work in ("test", "bench", template):
        raise SystemExit("set BENCH_POSTGRES_DB to a database of your own")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {work} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {work} TEMPLATE {template}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{work}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "encaisse.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from encaisse.dunning.services import dunning_run_generate

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        if os.environ.get("EXPLAIN"):
            _auto_explain(cursor, connection, int(os.environ["EXPLAIN"]))

    def server_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    timings = []

    def timed(execute, sql, params, many, context):
        started, cpu = time.perf_counter(), server_cpu()
        try:
            return execute(sql, params, many, context)
        finally:
            text = " ".join(sql.split())[:90]
            timings.append((time.perf_counter() - started, server_cpu() - cpu, text))

    for day in days:
        timings.clear()
        load = os.getloadavg()[0]
        with connection.execute_wrapper(timed):
            started, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            run = dunning_run_generate(as_of=AS_OF + dt.timedelta(days=day), collect=False).run
            wall = time.perf_counter() - started
            cpu, server = time.process_time() - cpu, server_cpu() - server
        print(
            f"day +{day}: wall {wall:.2f} s, our CPU {cpu:.2f} s, server CPU {server:.2f} s, "
            f"load {load:.1f}; {run.actions_created} actions, {run.invoices_dunned} invoices "
            f"dunned, {run.invoices_considered} considered",
            flush=True,
        )
        for seconds, server_seconds, text in sorted(timings, reverse=True)[:SHOWN]:
            print(f"  {seconds:7.2f} s  server {server_seconds:5.2f}  {text}")
    return 0


def _auto_explain(cursor, connection, min_ms: int) -> None:
    log = Path(__file__).resolve().parent / "results" / "dunning-plans.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("w")
    cursor.execute("LOAD 'auto_explain'")
    cursor.execute(f"SET auto_explain.log_min_duration = {min_ms}")
    for setting in ("log_analyze", "log_buffers"):
        cursor.execute(f"SET auto_explain.{setting} = on")
    cursor.execute("SET auto_explain.log_level = notice")
    connection.connection.add_notice_handler(
        lambda diag: out.write(f"{diag.message_primary}\n\n") or out.flush()
    )


if __name__ == "__main__":
    sys.exit(main())
