"""The benchmark's single-step scripts, run as a developer runs them (small inputs)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEER_INVOICES = ROOT / "encaisse" / "imports" / "tests" / "fixtures" / "peer_invoices.csv"


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_customers_creates_then_finds_them_all_unchanged():
    out = _run("bench/import_customers.py", "--customers", "250", "--repeat", "1")
    assert re.search(r"run 1 new +[\d.]+ s +created 250, updated 0", out), out
    assert re.search(r"run 1 again +[\d.]+ s +created 0, updated 0", out), out


def test_read_file_counts_the_rows_and_customers_of_the_file():
    lines = PEER_INVOICES.read_text(encoding="utf-8").splitlines()[1:]
    customers = {line.split(",")[0] for line in lines}
    out = _run("bench/read_file.py", str(PEER_INVOICES), "--repeat", "1", "--one-process")
    expected = f"{len(lines)} rows, {len(customers)} customers (one process)"
    assert re.search(r"run 1: +[\d.]+ s  " + re.escape(expected), out), out
