"""Read-side timings, run in its own process against the database in DATABASE_URL.

    DATABASE_URL=... python bench/reads.py --as-of 2026-11-30 [--only aged,lists]

Prints one JSON object: the aged balance (best of 3, selector called in-process), the stored
balance refresh the daily worker runs (once), and the server time of the list pages through
Django's test client (best of 5, with the number of SQL queries of one request). A page whose
URL does not exist (yet) is reported as such."""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/customers/?sort=overdue",
    "/invoices/?status=overdue",
    "/invoices/aged-balance/",
    # Sorts by amount: no index has the amounts first, so these pages sort what they select.
    "/invoices/?sort=-amount",
    "/invoices/?status=open&sort=-open_amount",
    "/invoices/?status=overdue&sort=-open_amount",
]


def _best(fn, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def measure(as_of: dt.date, only: set[str], aged_repeat: int, page_repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from encaisse.accounts.choices import Role
    from encaisse.accounts.models import User
    from encaisse.receivables.models import Invoice
    from encaisse.receivables.selectors import aged_balance
    from encaisse.receivables.services import customer_balances_refresh

    result: dict = {"invoices_in_db": Invoice.objects.count()}
    if "aged" in only:
        rows = len(aged_balance(as_of=as_of).rows)
        result["aged_balance_s"] = _best(lambda: aged_balance(as_of=as_of), aged_repeat)
        result["aged_balance_rows"] = rows
        # The daily job: balances as of today, which the home page then reads.
        started = time.perf_counter()
        customer_balances_refresh()
        result["balance_refresh_s"] = time.perf_counter() - started
    if "lists" in only:
        user = User.objects.filter(username="bench").first() or User.objects.create_user(
            "bench", password=None, role=Role.CREDIT_MANAGER
        )
        client = Client()
        client.force_login(user)
        pages = {}
        for path in PAGES:
            try:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
            except Exception as error:  # a broken page is a result to report, not a crash
                pages[path] = {"status": 500, "error": f"{type(error).__name__}: {error}"[:300]}
                continue
            if response.status_code != 200:
                pages[path] = {"status": response.status_code}
                continue
            pages[path] = {
                "status": 200,
                "queries": len(queries),
                "bytes": len(response.content),
                "best_ms": _best(lambda p=path: client.get(p), page_repeat) * 1000,
            }
        result["pages"] = pages
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--only", default="aged,lists")
    parser.add_argument("--aged-repeat", type=int, default=3)
    parser.add_argument("--page-repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    only = set(args.only.split(","))
    print(json.dumps(measure(args.as_of, only, args.aged_repeat, args.page_repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
