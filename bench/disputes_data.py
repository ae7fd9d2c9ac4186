"""A synthetic disputes history for the disputes benchmark, written straight with SQL on top of
the dunning benchmark's ledger (``bench.dunning.build_ledger``: N invoices over N/10
customers).

    build_disputes(n_disputes, seed=1)  # inside a process with DATABASE_URL set

Disputes are raised over the 12 months before 30 November 2026, on the shipped reason codes
(so the six shipped departments, the seven categories), each on one invoice for part or all
of it. 30% are still active (spread over the five active states, 70% of them qualified with a
target date); the others are resolved (40% of those closed) after 1 to 60 days, with an outcome,
a root cause (a few causes much more frequent than the others, so the Pareto has a head) and
founded in 65% of cases. One dispute in ten has an owner among 30 department members."""

import datetime as dt
import random

from bench.dunning import _insert

AS_OF = dt.date(2026, 11, 30)
ACTIVE = ["new", "qualified", "in_progress", "waiting_customer", "solution_proposed"]
OUTCOMES = ["credit_note", "goods_returned", "repaired", "commercial_gesture", "rejected"]


def build_disputes(n_disputes: int, *, seed: int = 1) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from encaisse.accounts.models import Department
    from encaisse.disputes.models import ReasonCode, RootCause

    rng = random.Random(seed)
    codes = list(
        ReasonCode.objects.values_list("pk", "category_id", "department_id", "target_days")
    )
    causes = list(RootCause.objects.values_list("pk", flat=True))
    cause_weights = [2**-i for i in range(len(causes))]  # a steep head for the Pareto
    departments = list(Department.objects.values_list("pk", flat=True))
    user_model = get_user_model()
    members = [
        user_model.objects.create_user(
            username=f"member{i}", role="department_member", department_id=departments[i % 6]
        ).pk
        for i in range(30)
    ]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, customer_id, open_amount FROM receivables_invoice "
            "WHERE open_amount > 0 ORDER BY id"
        )
        invoices = cursor.fetchall()
    picked = rng.sample(invoices, n_disputes)
    rows, lines = [], []
    for index, (invoice_id, customer_id, open_amount) in enumerate(picked, start=1):
        code, category, department, target_days = rng.choice(codes)
        raised = AS_OF - dt.timedelta(days=rng.randint(0, 364))
        amount = float(open_amount) if rng.random() < 0.4 else round(float(open_amount) / 3, 2)
        amount = max(amount, 0.01)
        settled = rng.random() < 0.7 and raised < AS_OF - dt.timedelta(days=1)
        status = rng.choice(ACTIVE) if not settled else rng.choice(["resolved", "closed", "closed"])
        qualified = settled or status != "new"
        target = raised + dt.timedelta(days=target_days * 7 // 5) if qualified else None
        owner = rng.choice(members) if rng.random() < 0.1 else None
        resolved_at = closed_at = founded = root_cause = resolved_on = days = None
        outcome, cn_number, cn_amount = "", "", None
        if settled:
            days = min(rng.randint(1, 60), (AS_OF - raised).days)
            resolved_at = f"{raised + dt.timedelta(days=days)} {rng.randint(7, 18):02d}:15:00"
            # Between 07:15 and 18:15 UTC: the same date in Paris (what the services store).
            resolved_on = (raised + dt.timedelta(days=days)).isoformat()
            closed_at = resolved_at if status == "closed" else None
            outcome = rng.choice(OUTCOMES)
            founded = outcome != "rejected" and rng.random() < 0.8
            root_cause = rng.choices(causes, cause_weights)[0]
            if outcome == "credit_note":
                cn_number, cn_amount = f"AV{index:07d}", f"{amount:.2f}"
        created = f"{raised} 09:00:00"
        rows.append(
            (
                f"LIT-B-{index:07d}", customer_id, "call", "", raised.isoformat(), None,
                category if qualified else None, code if qualified else None,
                department if qualified else None, owner, None, status, f"{amount:.2f}",
                target.isoformat() if target else None, None, 0, outcome, cn_number, cn_amount,
                root_cause, founded, resolved_at, resolved_on, days, closed_at, None, created,
                created,
            )
        )  # fmt: skip
        lines.append((index, invoice_id, f"{amount:.2f}", f"{float(open_amount):.2f}"))
    with transaction.atomic(), connection.cursor() as cursor:
        _insert(
            cursor,
            vendor,
            "disputes_dispute",
            ["number", "customer_id", "origin", "words", "raised_on", "contact_id",
             "category_id", "reason_code_id", "department_id", "owner_id", "coordinator_id",
             "status", "disputed_total", "target_date", "at_risk_on", "escalation_level",
             "outcome", "credit_note_number", "credit_note_amount", "root_cause_id", "founded",
             "resolved_at", "resolved_on", "resolution_days", "closed_at", "created_by_id",
             "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        cursor.execute("SELECT MIN(id) FROM disputes_dispute")
        first = cursor.fetchone()[0]
        _insert(
            cursor,
            vendor,
            "disputes_disputedinvoice",
            ["dispute_id", "invoice_id", "disputed_amount", "open_amount_at_opening"],
            ((first + i - 1, inv, amt, open_) for i, inv, amt, open_ in lines),
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    active = sum(1 for r in rows if r[11] in ACTIVE)
    return {"disputes": n_disputes, "active": active, "department_members": len(members)}
