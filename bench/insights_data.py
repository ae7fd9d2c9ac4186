"""The insights benchmark's database: 1M invoices over 24 months, 100k disputes, 2M dunning
actions, written straight with SQL (not timed).

    DATABASE_URL=sqlite:///$PWD/bench/data/bench-insights.sqlite3 \\
        .venv/bin/python bench/insights_data.py [--invoices 1000000] [--disputes 100000] \\
                                                [--actions 2000000]

On a migrated empty database (the command migrates it): the dunning benchmark's ledger
(``bench.dunning.build_ledger``: N open invoices over N/10 customers, 10 collectors, the four
shipped segments) and the disputes history of ``bench/disputes_data.py`` (100k disputes, on
open invoices); then the ledger is spread over the 24 months before 30 November 2026 (invoice
``i`` moved back ``i mod 24`` months) and nine in ten invoices due before 1 September 2026 are
settled ``i mod 60 - 15`` days after their due date (at most the as-of date: some pay early);
then 2M done dunning actions: two per invoice among the first N/2 (the first scenario's first
two steps), each with its one invoice line."""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 11, 30)


def _history(cursor, vendor: str) -> None:
    """Spread the open ledger over 24 months and settle what falls due before September."""
    if vendor == "sqlite":
        cursor.execute(
            "UPDATE receivables_invoice SET "
            "issue_date = date(issue_date, '-' || (id % 24) || ' months'), "
            "due_date = date(due_date, '-' || (id % 24) || ' months')"
        )
        cursor.execute(
            "UPDATE receivables_invoice SET status = 'settled', open_amount = 0, "
            "settled_on = min(date(due_date, (id % 60 - 15) || ' days'), '2026-11-30') "
            "WHERE due_date < '2026-09-01' AND id % 10 <> 0"
        )
    else:
        cursor.execute(
            "UPDATE receivables_invoice SET "
            "issue_date = issue_date - make_interval(months => (id % 24)::int), "
            "due_date = due_date - make_interval(months => (id % 24)::int)"
        )
        cursor.execute(
            "UPDATE receivables_invoice SET status = 'settled', open_amount = 0, "
            "settled_on = least(due_date + (id % 60 - 15)::int, DATE '2026-11-30') "
            "WHERE due_date < DATE '2026-09-01' AND id % 10 <> 0"
        )


def _actions(cursor, n_actions: int) -> None:
    """Two done actions per invoice (steps 1 and 2 of the first scenario's steps), set-based."""
    cursor.execute("SELECT id, offset_days, channel FROM dunning_step ORDER BY id LIMIT 2")
    steps = cursor.fetchall()
    per_step = n_actions // len(steps)
    for step_id, offset, channel in steps:
        postgres = cursor.db.vendor == "postgresql"
        due_on = (
            f"due_date + {abs(offset)}" if postgres else f"date(due_date, '+{abs(offset)} days')"
        )
        # Fragments are constants and integers read from the database.
        cursor.execute(
            "INSERT INTO dunning_action (source, channel, status, priority, due_on, total, "  # noqa: S608
            "include_penalties, notes, created_at, done_at, customer_id, step_id, outcome, "
            f"template_code) SELECT 'scenario', '{channel}', 'done', 1, {due_on}, amount, "
            f"{'FALSE' if postgres else '0'}, '', '2026-11-30 06:00:00', '2026-11-30 06:00:00', "
            f"customer_id, {step_id}, '', '' FROM receivables_invoice ORDER BY id LIMIT {per_step}"
        )
        cursor.execute("SELECT MIN(id) FROM receivables_invoice")
        first_invoice = cursor.fetchone()[0]
        cursor.execute(f"SELECT MIN(id) FROM dunning_action WHERE step_id = {step_id}")  # noqa: S608
        first_action = cursor.fetchone()[0]
        # Actions were inserted in invoice order: the n-th action of the step dunned invoice n.
        cursor.execute(
            "INSERT INTO dunning_actioninvoice (amount_due, action_id, invoice_id, step_id) "  # noqa: S608
            f"SELECT total, id, id - {first_action} + {first_invoice}, step_id "
            f"FROM dunning_action WHERE step_id = {step_id} AND total > 0"
        )


def build(n_invoices: int, n_disputes: int, n_actions: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.disputes_data import build_disputes
    from bench.dunning import build_ledger

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    record = {"ledger": build_ledger(n_invoices)}
    record["disputes"] = build_disputes(n_disputes)  # on open invoices: before the history
    with transaction.atomic(), connection.cursor() as cursor:
        _history(cursor, connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        _actions(cursor, n_actions)
        cursor.execute("SELECT COUNT(*) FROM dunning_action")
        record["actions"] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM receivables_invoice WHERE status = 'open'")
        record["open_invoices"] = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    record["build_s"] = round(time.perf_counter() - started, 1)
    return record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--actions", type=int, default=2_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    print(json.dumps(build(args.invoices, args.disputes, args.actions), indent=2, default=str))


if __name__ == "__main__":
    main()
