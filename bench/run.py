"""The benchmark (``make bench``): import throughput, peak memory, aged balance, list pages.

    .venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--db sqlite|postgres|both]
                                  [--only import,aged,lists] [--formats csv,fec,invoices]
                                  [--invoices-per-customer 30]

For each size and database, ``encaisse import FILE --as-of`` runs in a subprocess, each time
into a fresh, migrated database (a SQLite file under bench/data/, or the PostgreSQL database
``bench`` on 127.0.0.1:5432), timed by wall clock with the child's peak RSS from wait4():
the open-items CSV; the FEC, then the same FEC again (a re-import changes nothing); the CSV of
all invoices (settled ones with 0 open), which leaves N invoices in the database. On that
database ``bench/reads.py`` then measures the aged balance and the list pages in-process.
Ledgers are generated once and cached in bench/data/ (git-ignored). Results are printed and
written to bench/results/<timestamp>.json and .md (git-ignored).

``--only aged,lists`` skips the imports and measures the database the last run left."""

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import databases, generate, machine, report  # noqa: E402

DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
IMPORT_COMMAND = ROOT / "encaisse" / "imports" / "management" / "commands" / "ledger_import.py"


def _env(database_url: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = "encaisse.settings"
    return env


def timed(cmd: list[str], env: dict) -> dict:
    """Run ``cmd``; wall time, CPU time and peak RSS of that child alone (wait4), the load
    average when it started (the machine is shared: wall time means little under load), exit
    code, output tails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "command": shlex.join(cmd),
            "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "load": load,
            "exit_code": proc.returncode,
            "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
            "stdout": out.read().decode(errors="replace")[-2000:],
            "stderr": err.read().decode(errors="replace")[-2000:],
        }


def migrate(database_url: str) -> None:
    run = timed(
        [sys.executable, "-m", "encaisse", "migrate", "--no-input", "-v", "0"], _env(database_url)
    )
    if run["exit_code"] != 0:
        raise SystemExit(f"migrate failed on {database_url}:\n{run['stderr']}")


def fresh_database(db: str, label: str) -> str:
    url = databases.sqlite_fresh(DATA_DIR, label) if db == "sqlite" else databases.postgres_fresh()
    migrate(url)
    return url


def import_file(database_url: str, path: Path, lines: int, as_of: str) -> dict:
    cmd = [sys.executable, "-m", "encaisse", "import", str(path), "--as-of", as_of]
    run = timed(cmd, _env(database_url))
    run["lines"] = lines
    run["lines_per_s"] = lines / run["seconds"] if run["exit_code"] == 0 else None
    run["file_mb"] = path.stat().st_size / 1024 / 1024
    if run["exit_code"] != 0:
        print(f"    import failed ({run['exit_code']}): {run['stderr'][-600:]}", file=sys.stderr)
    return run


def reads(database_url: str, as_of: str, only: set[str]) -> dict:
    parts = ",".join(sorted(only & {"aged", "lists"}))
    cmd = [sys.executable, str(ROOT / "bench" / "reads.py"), "--as-of", as_of, "--only", parts]
    run = timed(cmd, _env(database_url))
    if run["exit_code"] != 0:
        print(f"    reads failed: {run['stderr'][-800:]}", file=sys.stderr)
        return {"error": run["stderr"][-800:]}
    return json.loads(run["stdout"].strip().splitlines()[-1])


def bench_one(meta, ledger_dir: Path, db: str, args) -> dict:
    record = {"size": meta.label, "db": db, "invoices": meta.invoices, "imports": {}}
    label = f"{meta.label}-{db}"
    url = databases.sqlite_url(DATA_DIR, label) if db == "sqlite" else databases.postgres_url()
    fec = ledger_dir / meta.fec_file
    csv = ledger_dir / meta.csv_file
    if "import" in args.only:
        if "csv" in args.formats:
            url = fresh_database(db, label)
            print(f"  {label}: importing the CSV ({meta.open_items:,} open items)")
            record["imports"]["csv"] = import_file(url, csv, meta.open_items, meta.as_of)
        if "fec" in args.formats:
            url = fresh_database(db, label)
            print(f"  {label}: importing the FEC ({meta.invoices:,} invoices)")
            record["imports"]["fec"] = import_file(url, fec, meta.invoices, meta.as_of)
            print(f"  {label}: importing the same FEC again")
            record["imports"]["fec again"] = import_file(url, fec, meta.invoices, meta.as_of)
        if "invoices" in args.formats:
            url = fresh_database(db, label)
            print(f"  {label}: importing the invoices CSV ({meta.invoices:,} invoices)")
            invoices = ledger_dir / meta.invoices_file
            record["imports"]["invoices csv"] = import_file(
                url, invoices, meta.invoices, meta.as_of
            )
        if db == "sqlite":
            record["sqlite_mb"] = Path(url.removeprefix("sqlite:///")).stat().st_size / 2**20
    if args.only & {"aged", "lists"}:
        print(f"  {label}: aged balance and list pages")
        record["reads"] = reads(url, meta.as_of, args.only)
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Encaisse benchmark (see docs/benchmarks.md)")
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", default="import,aged,lists")
    parser.add_argument("--formats", default="csv,fec,invoices")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--invoices-per-customer",
        type=int,
        default=generate.INVOICES_PER_CUSTOMER,
        help="the ledger's spread (bench/generate.py)",
    )
    args = parser.parse_args(argv)
    args.only = set(args.only.split(","))
    args.formats = set(args.formats.split(","))
    if "import" in args.only and not IMPORT_COMMAND.exists():
        raise SystemExit(f"{IMPORT_COMMAND.relative_to(ROOT)} is missing: nothing to import with.")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not databases.postgres_available():
        if args.db == "postgres":
            raise SystemExit(f"PostgreSQL is unreachable at {databases.POSTGRES_SERVER}.")
        print(f"PostgreSQL is unreachable at {databases.POSTGRES_SERVER}: SQLite only.")
        dbs = ["sqlite"]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().replace(microsecond=0)
    result = {
        "started": started.isoformat(),
        "command": shlex.join([Path(sys.executable).name, "bench/run.py", *(argv or sys.argv[1:])]),
        "machine": machine.machine_info(
            f"{databases.POSTGRES_SERVER}/postgres" if "postgres" in dbs else None
        ),
        "records": [],
    }
    for size in args.sizes.split(","):
        print(f"{size}: ledger")
        meta, ledger_dir = generate.ledger(
            size, DATA_DIR, seed=args.seed, per_customer=args.invoices_per_customer
        )
        print(
            f"  {meta.invoices:,} invoices of {meta.customers:,} customers, {meta.open_items:,} "
            f"open, {meta.fec_lines:,} FEC lines (generated in {meta.seconds} s)"
        )
        for db in dbs:
            result["records"].append(bench_one(meta, ledger_dir, db, args))
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"{stamp}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS_DIR / f"{stamp}.md").write_text(report.markdown(result))
    print()
    print(report.text_table(report.IMPORT_HEADER, report.import_rows(result["records"])))
    print()
    print(report.text_table(report.READ_HEADER, report.read_rows(result["records"])))
    print(f"\nWritten to {RESULTS_DIR.relative_to(ROOT)}/{stamp}.json and .md")
    failed = any(r["exit_code"] for rec in result["records"] for r in rec["imports"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
