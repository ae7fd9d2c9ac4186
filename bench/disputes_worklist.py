"""Time the disputes worklist pages on a large dataset (issue: "the department worklist under
150 ms" with 100k disputes).

    createdb -h 127.0.0.1 -U postgres bench_disputes
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_disputes .venv/bin/encaisse migrate
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_disputes \\
        .venv/bin/python bench/disputes_worklist.py [--disputes 100000]

Seeds (once, into an empty database: it refuses one that already has disputes unless
``--reuse``) N disputes over N invoices of 5,000 customers, spread over the reason codes and so
the departments, 20 % active; then prints the median wall time of one page (the worklist
selector with its "ready to close" query, as the page runs them) for each tab and filter."""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from encaisse.accounts.choices import Role  # noqa: E402
from encaisse.accounts.models import Department, User  # noqa: E402
from encaisse.customers.models import Customer  # noqa: E402
from encaisse.disputes.models import Dispute, DisputedInvoice, ReasonCode  # noqa: E402
from encaisse.disputes.worklist import WorklistFilters, worklist_page  # noqa: E402
from encaisse.receivables.models import Invoice  # noqa: E402

WORKING = ["qualified", "in_progress", "waiting_customer", "solution_proposed"]
CLOSED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def seed(n: int) -> None:
    Customer.objects.bulk_create(
        [Customer(code=f"B{i}", name=f"Client {i}") for i in range(5000)], batch_size=5000
    )
    customers = list(Customer.objects.values_list("pk", flat=True))
    Invoice.objects.bulk_create(
        [
            Invoice(
                customer_id=customers[i % len(customers)],
                kind="invoice",
                number=f"B{i}",
                issue_date=dt.date(2026, 1, 1),
                due_date=dt.date(2026, 2, 1),
                amount=Decimal(1000),
                open_amount=Decimal(1000),
                status="open",
                source="manual",
            )
            for i in range(n)
        ],
        batch_size=10000,
    )
    invoices = list(Invoice.objects.order_by("pk").values_list("pk", "customer_id"))
    codes = list(ReasonCode.objects.values_list("pk", "department_id"))
    disputes = []
    for i, (_invoice, customer) in enumerate(invoices):
        code, department = codes[i % len(codes)]
        raised = dt.date(2024, 1, 1) + dt.timedelta(days=i % 1000)
        closed = i % 10 < 8
        disputes.append(
            Dispute(
                number=f"LIT-B-{i}",
                customer_id=customer,
                origin="call",
                raised_on=raised,
                reason_code_id=code,
                department_id=department,
                status="closed" if closed else WORKING[i % 4],
                disputed_total=Decimal(100),
                target_date=raised + dt.timedelta(days=14),
                at_risk_on=raised + dt.timedelta(days=11),
                outcome="withdrawn" if closed else "",
                founded=False if closed else None,
                resolved_at=CLOSED_AT if closed else None,
                closed_at=CLOSED_AT if closed else None,
            )
        )
    Dispute.objects.bulk_create(disputes, batch_size=10000)
    ids = list(Dispute.objects.order_by("pk").values_list("pk", flat=True))
    DisputedInvoice.objects.bulk_create(
        [
            DisputedInvoice(
                dispute_id=pk,
                invoice_id=invoices[k][0],
                disputed_amount=Decimal(100),
                open_amount_at_opening=Decimal(1000),
            )
            for k, pk in enumerate(ids)
        ],
        batch_size=10000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def median_ms(user, filters: dict, pages: int = 1, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = worklist_page(user=user, filters=WorklistFilters(**filters))
        for _ in range(pages - 1):
            page = worklist_page(
                user=user, filters=WorklistFilters(**filters), cursor=page.next_cursor
            )
        times.append((time.perf_counter() - started) * 1000 / pages)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="measure the disputes already there")
    args = parser.parse_args()
    if Dispute.objects.exists() and not args.reuse:
        sys.exit("This database already has disputes: use an empty one, or --reuse.")
    if not args.reuse:
        seed(args.disputes)
    billing = Department.objects.get(code="billing")
    member, _ = User.objects.get_or_create(
        username="bench-member", defaults={"role": Role.DEPARTMENT_MEMBER, "department": billing}
    )
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.CREDIT_MANAGER}
    )
    total = Dispute.objects.count()
    print(f"{connection.vendor}, {total} disputes; median ms per page of 50:")
    for label, user, filters, pages in [
        ("department tab", member, {"tab": "department"}, 1),
        ("department tab, pages 1-3", member, {"tab": "department"}, 3),
        ("all departments", manager, {"tab": "all"}, 1),
        ("all, department filter", manager, {"tab": "all", "department": "logistics"}, 1),
        ("all, late only", manager, {"tab": "all", "late": True}, 1),
        ("all, ready to close", manager, {"tab": "all", "ready": True}, 1),
    ]:
        print(f"  {label:28} {median_ms(user, filters, pages):8.1f}")


if __name__ == "__main__":
    main()
