"""Reads over the ledger: balances, ageing and the home summary.

The aged balance is one GROUP BY over open invoices with a conditional sum per bucket, read from
a covering partial index (``invoice_open_cover_idx``), plus one over unallocated payments;
nothing is computed row by row in Python. The home page needs no row per customer: one
aggregate gives the bucket totals and the stored customer balances (with their index) the most
overdue customers."""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer

from .choices import InvoiceKind, InvoiceStatus
from .models import Allocation, Invoice, Payment

MONEY = DecimalField(max_digits=16, decimal_places=2)


def _bucket_condition(bucket: AgeBucket, as_of: dt.date, date_field: str) -> Q:
    """Rows whose ``date_field`` puts them ``bucket.low``..``bucket.high`` days past due."""
    condition = Q()
    if bucket.high is not None:
        # days past due <= high  <=>  date >= as_of - high
        condition &= Q(**{f"{date_field}__gte": as_of - dt.timedelta(days=bucket.high)})
    if bucket.low is not None:
        condition &= Q(**{f"{date_field}__lte": as_of - dt.timedelta(days=bucket.low)})
    return condition


def _bucket_sums(buckets, as_of, date_field, amount_field, sign=1):
    sums = {}
    for bucket in buckets:
        sums[bucket.key] = Coalesce(
            Sum(
                Case(
                    When(_bucket_condition(bucket, as_of, date_field), then=amount_field),
                    default=Value(ZERO),
                    output_field=MONEY,
                )
            ),
            Value(ZERO),
            output_field=MONEY,
        )
    return sums


def _bucket_cases(buckets, as_of: dt.date) -> tuple[str, list]:
    """Sum columns of open amounts (in cents) by due date, one per bucket, and their params."""
    columns, params = [], []
    for bucket in buckets:
        conditions = []
        if bucket.high is not None:
            conditions.append("due_date >= %s")
            params.append(_db_date(as_of - dt.timedelta(days=bucket.high)))
        if bucket.low is not None:
            conditions.append("due_date <= %s")
            params.append(_db_date(as_of - dt.timedelta(days=bucket.low)))
        when = " AND ".join(conditions) or "1 = 1"
        # In whole cents: ints from both databases, turned into Decimals without rounding.
        columns.append(
            f"CAST(ROUND(SUM(CASE WHEN {when} THEN open_amount ELSE 0 END) * 100) AS BIGINT)"
        )
    return ", ".join(columns), params


def _open_invoices_from() -> str:
    """The open invoices, read from the covering partial index ``invoice_open_cover_idx``
    (customer, due date, open amount, issue date): the scan never touches the table. The
    status is a literal so that SQLite can prove the partial index applies; SQLite's planner,
    without statistics, prefers the status index and needs ``INDEXED BY``."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    return f"receivables_invoice{hint} WHERE status = '{InvoiceStatus.OPEN}'"


def _open_invoice_buckets(as_of, buckets, customer_filter) -> list[tuple]:
    """(customer id, code, name, bucket sums...) of the open invoices issued by ``as_of``."""
    cases, params = _bucket_cases(buckets, as_of)
    params.append(_db_date(as_of))
    where = ""
    if customer_filter is not None:
        customers = Customer.objects.filter(customer_filter).values("pk")
        subquery, subquery_params = customers.query.sql_with_params()
        where = f" AND customer_id IN ({subquery})"
        params.extend(subquery_params)
    # Fragments are built here from constants; values are parameters.
    sql = f"""
        SELECT a.*, c.code, c.name
        FROM (
            SELECT customer_id, {cases}
            FROM {_open_invoices_from()} AND issue_date <= %s{where}
            GROUP BY customer_id
        ) AS a
        JOIN customers_customer AS c ON c.id = a.customer_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _money(cents) -> Decimal:
    """Whole cents (None for no row) to a Decimal amount."""
    return Decimal(cents).scaleb(-2) if cents else ZERO


def _db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


@dataclass
class AgedRow:
    customer_id: int
    customer_code: str
    customer_name: str
    buckets: dict[str, Decimal] = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((v for k, v in self.buckets.items() if k != "not_due"), ZERO)


@dataclass
class AgedBalance:
    as_of: dt.date
    buckets: list[AgeBucket]
    rows: list[AgedRow]

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            b.key: sum((row.buckets.get(b.key, ZERO) for row in self.rows), ZERO)
            for b in self.buckets
        }

    @property
    def total_balance(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    @property
    def total_overdue(self) -> Decimal:
        return sum((v for k, v in self.totals.items() if k != "not_due"), ZERO)


def aged_balance(
    *,
    as_of: dt.date | None = None,
    buckets: list[AgeBucket] | None = None,
    customer_filter: Q | None = None,
) -> AgedBalance:
    """The balance âgée as of a date: open invoices by due date, unallocated cash by receipt date.

    Open amounts are those held now (the ledger keeps no history of open amounts), aged as of
    ``as_of``; invoices issued after ``as_of`` are left out. Rows are ordered by customer code."""
    as_of = as_of or today()
    buckets = buckets or company_age_buckets()
    rows: dict[int, AgedRow] = {}
    for customer_id, *sums, code, name in _open_invoice_buckets(as_of, buckets, customer_filter):
        rows[customer_id] = AgedRow(
            customer_id,
            code,
            name,
            {b.key: _money(total) for b, total in zip(buckets, sums, strict=True)},
        )
    payments = Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=as_of)
    if customer_filter is not None:
        payments = payments.filter(**_prefixed(customer_filter))
    payment_groups = (
        payments.values("customer_id", "customer__code", "customer__name")
        .order_by()
        .annotate(**_bucket_sums(buckets, as_of, "received_on", "unallocated_amount"))
    )
    for group in payment_groups:
        row = rows.setdefault(
            group["customer_id"],
            AgedRow(
                group["customer_id"],
                group["customer__code"],
                group["customer__name"],
                {b.key: ZERO for b in buckets},
            ),
        )
        for b in buckets:
            row.buckets[b.key] -= group[b.key]
    ordered = sorted(rows.values(), key=lambda r: r.customer_code)
    return AgedBalance(as_of=as_of, buckets=buckets, rows=ordered)


def _prefixed(q: Q) -> dict:
    """Turn a customer Q of plain lookups into ``customer__`` lookups (simple AND filters only)."""
    return {f"customer__{key}": value for key, value in q.children}


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
    rows = aged_balance(as_of=as_of).rows
    ranked = sorted((row for row in rows if row.overdue > 0), key=lambda r: r.overdue, reverse=True)
    most = [
        TopCustomer(r.customer_id, r.customer_code, r.customer_name, r.overdue, r.balance)
        for r in ranked[:top]
    ]
    return most, sum(1 for row in rows if row.balance != 0)


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


# Pages ----------------------------------------------------------------------------------------


def access_invoice(user, invoice_id: int) -> Invoice:
    """The invoice or credit note a page shows, with its customer and import batch; 404 alike
    for a missing one and one the user may not see (every ledger user sees the whole ledger;
    views check the capability)."""
    invoices = Invoice.objects.select_related("customer", "import_batch")
    return get_object_or_404(invoices, pk=invoice_id)


def invoice_allocations(invoice: Invoice) -> list[Allocation]:
    """What settled an invoice (payments and credit notes applied to it) or, for a credit note,
    the invoices it settled; oldest first."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        allocations = invoice.credit_allocations.select_related("invoice")
    else:
        allocations = invoice.allocations.select_related("payment", "credit_note")
    return list(allocations.order_by("allocated_on", "id"))


AGED_SORTS = {
    "code": lambda row: row.customer_code,
    "balance": lambda row: -row.balance,
    "overdue": lambda row: -row.overdue,
}


def aged_balance_for(
    *,
    as_of: dt.date | None = None,
    collector_id: int | None = None,
    segment_id: int | None = None,
    sort: str = "code",
) -> AgedBalance:
    """The aged balance page and its exports: ``aged_balance`` narrowed to a collector's or a
    segment's customers, rows in the chosen order (by code, or largest balance or overdue
    first, then by code)."""
    lookups = {"collector_id": collector_id, "segment_id": segment_id}
    lookups = {k: v for k, v in lookups.items() if v is not None}
    balance = aged_balance(as_of=as_of, customer_filter=Q(**lookups) if lookups else None)
    key = AGED_SORTS.get(sort, AGED_SORTS["code"])
    return replace(
        balance, rows=sorted(balance.rows, key=lambda row: (key(row), row.customer_code))
    )
