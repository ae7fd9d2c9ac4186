"""A file import step by step, in process, on SQLite (docs/benchmarks.md, "The FEC import").

    .venv/bin/python bench/import_steps.py FILE [--as-of 2026-11-30] [--repeat N]

Migrates a fresh SQLite database in a temporary folder, then runs ``import_file`` on FILE and
prints, for each step of the import (the fingerprint, the staging load, which includes the
parse, the customers, the invoice insert, the balance refresh...), its wall and CPU seconds,
then the whole call, our process's peak RSS and that of the reader's child process (a FEC of
32 MB or a CSV of 8 MB or more). Each repetition starts from a fresh database. Run it from
another tree (``git worktree add /tmp/old <rev>``, then ``PYTHONPATH=/tmp/old`` and that tree's
copy of this file) to time the old code on the same file."""

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())

STEPS = (
    "stage_load",
    "_duplicates",
    "customers_upsert",
    "_due_dates",
    "_write_invoices",
    "_write_payments",
    "_settle_missing",
    "_refresh_balances",
)


def timed(module, name: str, into: dict) -> None:
    """Replace ``module.name`` by a wrapper adding its wall and CPU seconds to ``into``."""
    function = getattr(module, name)

    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent = into.setdefault(name, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    setattr(module, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="import-steps-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from encaisse.imports.services import apply, batches

    steps: dict[str, list[float]] = {}
    for name in STEPS:
        timed(apply, name, steps)
    timed(batches, "file_fingerprint", steps)
    for run in range(args.repeat):
        connection.close()
        Path(f"{folder}/db.sqlite3").unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
        steps.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        batch = batches.import_file(
            actor=None, path=args.file, as_of=dt.date.fromisoformat(args.as_of)
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"run {run + 1}: {batch.status}, {batch.invoices_created:,} invoices created")
        for name, (step_wall, step_cpu) in steps.items():
            print(f"  {name:22s} {step_wall:7.2f} s wall {step_cpu:7.2f} s CPU")
        print(f"  {'import_file':22s} {wall:7.2f} s wall {cpu:7.2f} s CPU")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"peak RSS: this process {own} MB, the reader's child process {child} MB")
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
