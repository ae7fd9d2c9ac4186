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
from django.db.models import Case, DecimalField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer

from .choices import InvoiceKind, InvoiceStatus
from .models import Allocation, Invoice

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


def _bucket_cases(
    buckets,
    as_of: dt.date,
    date_column: str = "due_date",
    amount_column: str = "open_amount",
    sign: str = "",
) -> tuple[str, list]:
    """Sum columns ``b0``, ``b1``... of ``amount_column`` in whole cents by ``date_column``, one
    per bucket, and their params (open amounts by due date; with ``sign`` "-", cash taken off
    by receipt date)."""
    columns, params = [], []
    for index, bucket in enumerate(buckets):
        conditions = []
        if bucket.high is not None:
            conditions.append(f"{date_column} >= %s")
            params.append(_db_date(as_of - dt.timedelta(days=bucket.high)))
        if bucket.low is not None:
            conditions.append(f"{date_column} <= %s")
            params.append(_db_date(as_of - dt.timedelta(days=bucket.low)))
        when = " AND ".join(conditions) or "1 = 1"
        # In whole cents: ints from both databases, turned into Decimals without rounding.
        columns.append(
            f"{sign}CAST(ROUND(SUM(CASE WHEN {when} THEN {amount_column} ELSE 0 END) * 100)"
            f" AS BIGINT) AS b{index}"
        )
    return ", ".join(columns), params


def _open_invoices_from() -> str:
    """The open invoices, read from the covering partial index ``invoice_open_cover_idx``
    (customer, due date, open amount, issue date): the scan never touches the table. The
    status is a literal so that SQLite can prove the partial index applies; SQLite's planner,
    without statistics, prefers the status index and needs ``INDEXED BY``."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    return f"receivables_invoice{hint} WHERE status = '{InvoiceStatus.OPEN}'"


def _customers_in(customer_filter: Q | None, column: str = "customer_id") -> tuple[str, list]:
    """`` AND <column> IN (...)`` for the customers of ``customer_filter`` (none: all)."""
    if customer_filter is None:
        return "", []
    customers = Customer.objects.filter(customer_filter).values("pk")
    subquery, params = customers.query.sql_with_params()
    return f" AND {column} IN ({subquery})", list(params)


def _open_invoice_buckets(as_of: dt.date, buckets, customer_filter) -> tuple[str, list]:
    """A SELECT of ``(customer_id, b0, b1...)``: each customer's open documents issued by
    ``as_of`` in whole cents by due date, summed and rounded per customer."""
    cases, params = _bucket_cases(buckets, as_of)
    where, where_params = _customers_in(customer_filter)
    sql = f"""
        SELECT customer_id, {cases}
        FROM {_open_invoices_from()} AND issue_date <= %s{where}
        GROUP BY customer_id
    """  # noqa: S608 - fragments are constants, values are parameters
    return sql, [*params, _db_date(as_of), *where_params]


def _cash_buckets(as_of: dt.date, buckets, customer_filter) -> tuple[str, list]:
    """A SELECT of ``(customer_id, b0, b1...)``: each customer's unallocated cash received by
    ``as_of``, negative, in whole cents by receipt date. The condition is a literal so that
    SQLite reads the partial index of payments with unallocated cash."""
    cases, params = _bucket_cases(buckets, as_of, "received_on", "unallocated_amount", sign="-")
    where, where_params = _customers_in(customer_filter)
    sql = f"""
        SELECT customer_id, {cases}
        FROM receivables_payment
        WHERE unallocated_amount > 0 AND received_on <= %s{where}
        GROUP BY customer_id
    """  # noqa: S608 - fragments are constants, values are parameters
    return sql, [*params, _db_date(as_of), *where_params]


def _money(cents) -> Decimal:
    """Whole cents (None for no row) to a Decimal amount."""
    return Decimal(cents).scaleb(-2) if cents else ZERO


def _db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


class BucketAmounts:
    """What a line of amounts by age bucket (``buckets``: bucket key -> amount) adds up to: a
    customer's row of the aged balance, or a group of customers' (``insights.aged``)."""

    buckets: dict[str, Decimal]

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((v for k, v in self.buckets.items() if k != "not_due"), ZERO)


@dataclass
class AgedRow(BucketAmounts):
    customer_id: int
    customer_code: str
    customer_name: str
    buckets: dict[str, Decimal] = field(default_factory=dict)


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
    for side in (_open_invoice_buckets, _cash_buckets):
        amounts, params = side(as_of, buckets, customer_filter)
        sql = f"""
            SELECT a.*, c.code, c.name
            FROM ({amounts}) AS a JOIN customers_customer AS c ON c.id = a.customer_id
        """  # noqa: S608
        for values in _fetch(sql, params):
            row = _aged_row(values, buckets)
            if row.customer_id in rows:  # open documents and cash: add the cash (negative)
                for key, amount in row.buckets.items():
                    rows[row.customer_id].buckets[key] += amount
            else:
                rows[row.customer_id] = row
    ordered = sorted(rows.values(), key=lambda r: r.customer_code)
    return AgedBalance(as_of=as_of, buckets=buckets, rows=ordered)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aged_row(values: tuple, buckets) -> AgedRow:
    customer_id, *sums, code, name = values
    amounts = {b.key: _money(total) for b, total in zip(buckets, sums, strict=True)}
    return AgedRow(customer_id, code, name, amounts)


AGED_GROUP_COLUMNS = ("segment_id", "collector_id")


def aged_balance_by(
    *,
    as_of: dt.date,
    buckets: list[AgeBucket],
    column: str | None,
    customer_filter: Q | None = None,
) -> dict[int | None, tuple[int, dict[str, Decimal]]]:
    """The aged balance summed by a column of the customers (``segment_id``, ``collector_id``)
    or as a whole (``column`` None): ``{value: (rows, {bucket key: amount})}``, ``rows``
    counting the aged balance's rows (customers) summed into it.

    One statement, no row per customer: the open documents joined to their customer and
    grouped by the column (each bucket rounded to the cent per group: the documents' amounts
    have two decimals, so it is the sum of the page's rounded customer rows, to the cent),
    then the unallocated cash alike, counting the customers who have cash and no open
    document."""
    if column is not None and column not in AGED_GROUP_COLUMNS:
        raise ValueError(column)
    invoice_cases, invoice_params = _bucket_cases(buckets, as_of)
    cash_cases, cash_params = _bucket_cases(
        buckets, as_of, "received_on", "unallocated_amount", sign="-"
    )
    where, where_params = _customers_in(customer_filter)
    day = _db_date(as_of)
    if column is None:
        key, join, group_by = "NULL", "", ""
    else:
        key = f"c.{column}"
        join = " JOIN customers_customer AS c ON c.id = d.customer_id"
        group_by = f" GROUP BY c.{column}"
    sql = f"""
        SELECT {key}, COUNT(DISTINCT d.customer_id), {invoice_cases}
        FROM (
            SELECT customer_id, due_date, open_amount
            FROM {_open_invoices_from()} AND issue_date <= %s{where}
        ) AS d{join}{group_by}
        UNION ALL
        SELECT {key}, COUNT(DISTINCT CASE WHEN NOT EXISTS (
                   SELECT 1 FROM {_open_invoices_from()}
                   AND customer_id = d.customer_id AND issue_date <= %s
               ) THEN d.customer_id END), {cash_cases}
        FROM (
            SELECT customer_id, received_on, unallocated_amount
            FROM receivables_payment
            WHERE unallocated_amount > 0 AND received_on <= %s{where}
        ) AS d{join}{group_by}
    """  # noqa: S608 - fragments are constants, values are parameters
    params = [*invoice_params, day, *where_params, day, *cash_params, day, *where_params]
    groups: dict[int | None, tuple[int, dict[str, Decimal]]] = {}
    for value, count, *sums in _fetch(sql, params):
        before, amounts = groups.get(value, (0, dict.fromkeys((b.key for b in buckets), ZERO)))
        for bucket, cents in zip(buckets, sums, strict=True):
            amounts[bucket.key] += _money(cents)
        groups[value] = (before + count, amounts)
    return {value: group for value, group in groups.items() if group[0]}


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
