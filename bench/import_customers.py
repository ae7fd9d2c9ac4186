"""The customers step of an import alone (docs/benchmarks.md, "The customers of a spread ledger").

    .venv/bin/python bench/import_customers.py [--customers 100000] [--repeat 3]

Migrates a fresh SQLite database in a temporary folder, then calls ``customers_upsert`` as an
import does: N customers that a file names by code and name, first into an empty ledger (all
new), then the same records again (a daily re-import: all compared, none changed). Prints the
wall seconds of each call; each repetition starts from a fresh database."""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())  # run from another tree to time its code (as import_steps.py)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="import-customers-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from encaisse.imports.records import CustomerRecord
    from encaisse.imports.services.customers import customers_upsert

    codes = [f"C{n:07d}" for n in range(args.customers)]
    records = {
        code: CustomerRecord(code=code, name=f"Client {n} SARL", line=n + 2)
        for n, code in enumerate(codes)
    }
    try:
        for run in range(args.repeat):
            connection.close()
            Path(f"{folder}/db.sqlite3").unlink(missing_ok=True)
            call_command("migrate", verbosity=0)
            for label in ("new", "again"):
                with transaction.atomic():
                    start = time.perf_counter()
                    counts = customers_upsert(
                        records=records, codes=codes, file_name="bench.csv", errors=[]
                    )
                    wall = time.perf_counter() - start
                print(
                    f"run {run + 1} {label:5s} {wall:6.2f} s"
                    f"  created {counts.created:,}, updated {counts.updated:,}"
                )
    finally:
        connection.close()
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
