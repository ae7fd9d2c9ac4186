"""An import file read alone, without the database (docs/benchmarks.md).

    .venv/bin/python bench/read_file.py FILE [--one-process] [--repeat 3]

Runs the parser on FILE and drains its rows, as the importer would, doing nothing with them:
the time the reading takes on its own (through the reader's child process for a large CSV or
FEC, or in this process with ``--one-process``), with the counts of rows and customers."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())  # run from another tree to time its code (as import_steps.py)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--one-process", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from encaisse.imports.parsers import fec_lines, parse_file, tabular

    if args.one_process:
        tabular.CHILD_MIN_BYTES = fec_lines.CHILD_MIN_BYTES = 1 << 62
    for run in range(args.repeat):
        start = time.perf_counter()
        ledger = parse_file(args.file)
        # Staged rows (CSV, FEC) or records (Excel, the API's way).
        rows = sum(1 for _ in (ledger.items if ledger.rows is None else ledger.rows))
        wall = time.perf_counter() - start
        print(
            f"run {run + 1}: {wall:6.2f} s  {rows:,} rows, {len(ledger.customers):,} customers"
            f" ({'one process' if args.one_process else 'as the importer reads it'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
