"""The home page's figures: the aged balance's totals by bucket and the customers most overdue.

No row per customer is built: the totals are one aggregate over the open invoices' covering
index, and the most overdue customers come from the stored balances and their index when they
are as of the day, else from the aged balance ranked in the database (``aged_ranking``)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer

from .aged_ranking import aged_balance_ranked, customers_with_balance
from .choices import InvoiceStatus
from .models import Invoice, Payment
from .selectors import (
    _bucket_cases,
    _bucket_sums,
    _db_date,
    _money,
    _open_invoices_from,
    aged_balance,
)


@dataclass
class TopCustomer:
    """A line of the home page's most overdue customers."""

    customer_id: int
    customer_code: str
    customer_name: str
    overdue: Decimal
    balance: Decimal


def bucket_totals(*, as_of: dt.date, buckets: list[AgeBucket]) -> dict[str, Decimal]:
    """The aged balance's total per bucket in one pass, without a row per customer."""
    cases, params = _bucket_cases(buckets, as_of)
    sql = f"SELECT {cases} FROM {_open_invoices_from()} AND issue_date <= %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, _db_date(as_of)])
        sums = cursor.fetchone()
    totals = {b.key: _money(total) for b, total in zip(buckets, sums, strict=True)}
    cash = Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=as_of).aggregate(
        **_bucket_sums(buckets, as_of, "received_on", "unallocated_amount")
    )
    return {key: total - cash[key] for key, total in totals.items()}


def _stored_balances_current(as_of: dt.date) -> bool:
    """Whether the stored balances of every customer with something open were computed as of
    ``as_of`` (the services refresh them on every write, the worker each morning)."""
    refreshed_another_day = Customer.objects.exclude(open_balance=0, overdue_balance=0).exclude(
        balances_as_of=as_of
    )
    # A correlated EXISTS per never-refreshed customer (few, new ones): as a join, SQLite read
    # the million invoices to find none (1.2 s at 1M).
    never_refreshed = Customer.objects.filter(balances_as_of__isnull=True).filter(
        Exists(Invoice.objects.filter(customer=OuterRef("pk"), status=InvoiceStatus.OPEN))
    )
    return not refreshed_another_day.exists() and not never_refreshed.exists()


def _most_overdue(as_of: dt.date, top: int) -> tuple[list[TopCustomer], int]:
    """The ``top`` customers most overdue and how many customers have a balance: from the
    stored balances and their index when they are current, else from the aged balance."""
    if _stored_balances_current(as_of):
        customers = (
            Customer.objects.filter(overdue_balance__gt=0)
            .order_by("-overdue_balance", "id")
            .values_list("pk", "code", "name", "overdue_balance", "open_balance")[:top]
        )
        with_balance = Customer.objects.exclude(open_balance=0).count()
        return [TopCustomer(*values) for values in customers], with_balance
    ids = aged_balance_ranked(as_of=as_of, offset=0, limit=top, order="overdue")
    rows = aged_balance(as_of=as_of, customer_filter=Q(pk__in=ids)).rows if ids else []
    by_id = {row.customer_id: row for row in rows}
    ranked = [by_id[pk] for pk in ids if pk in by_id and by_id[pk].overdue > 0]
    most = [
        TopCustomer(r.customer_id, r.customer_code, r.customer_name, r.overdue, r.balance)
        for r in ranked
    ]
    return most, customers_with_balance(as_of=as_of)


def home_summary(*, as_of: dt.date | None = None, top: int = 10) -> dict:
    """Figures for the home page: totals, buckets and the customers most overdue."""
    as_of = as_of or today()
    buckets = company_age_buckets()
    totals = bucket_totals(as_of=as_of, buckets=buckets)
    total = sum(totals.values(), ZERO)
    overdue = sum((v for k, v in totals.items() if k != "not_due"), ZERO)
    most_overdue, with_balance = _most_overdue(as_of, top)
    return {
        "as_of": as_of,
        "buckets": buckets,
        "totals": totals,
        "total_open": total,
        "total_overdue": overdue,
        "overdue_share": (overdue / total * 100) if total > 0 else ZERO,
        "most_overdue": most_overdue,
        "customers_with_balance": with_balance,
    }
