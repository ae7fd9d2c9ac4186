"""The aged balance's customers ranked in the database, and read a page at a time.

With 100,000 customers the aged balance is 100,000 rows: building them all to show 100 cost a
second and a half. Here the database ranks the customers on the one figure the page sorts by
(the customer code, the balance or the overdue amount, ties by code), a page takes the ids of
its slice, and only those customers' rows are read (``aged_balance`` narrowed to them). The
totals and the number of rows come from one sum (``aged_balance_by``), not from the rows.

``RankedAgedRows`` is that list as a sequence a ``Paginator`` can slice; a slice longer than
``RANKED_READ`` (an export) reads every row at once and sorts it alike in Python."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.money import ZERO

from .selectors import (
    AgedRow,
    _bucket_cases,
    _customers_in,
    _db_date,
    _fetch,
    _open_invoices_from,
    aged_balance,
    aged_balance_by,
)

ORDERS = ("code", "balance", "overdue")
RANKED_READ = 500  # rows read by rank; a longer slice (an export) reads every row at once
# The one figure each amount order ranks on: the whole balance, or what is past due.
_RANK_BUCKET = {"balance": AgeBucket("all", None, None), "overdue": AgeBucket("overdue", 1, None)}


def _ranked_by_code(day, customer_filter: Q | None) -> tuple[str, list]:
    """The customers with an open document issued by ``day`` or unallocated cash received by
    then, by code: their rows are probed through the covering index, customer by customer."""
    where, params = _customers_in(customer_filter, column="c.id")
    sql = f"""
        SELECT c.id FROM customers_customer AS c
        WHERE (
            EXISTS (SELECT 1 FROM {_open_invoices_from()}
                    AND customer_id = c.id AND issue_date <= %s)
            OR EXISTS (SELECT 1 FROM receivables_payment
                       WHERE unallocated_amount > 0 AND customer_id = c.id AND received_on <= %s)
        ){where}
        ORDER BY c.code, c.id
    """  # noqa: S608 - fragments are constants, values are parameters
    return sql, [day, day, *params]


def _figure_cte(as_of: dt.date, order: str, customer_filter: Q | None) -> tuple[str, list]:
    """``k (customer_id, cents)``: each customer's one figure (open documents less unallocated
    cash, in whole cents), one GROUP BY over each side, materialised once."""
    bucket = [_RANK_BUCKET[order]]
    invoice_case, invoice_params = _bucket_cases(bucket, as_of)
    cash_case, cash_params = _bucket_cases(
        bucket, as_of, "received_on", "unallocated_amount", sign="-"
    )
    where, where_params = _customers_in(customer_filter)
    day = _db_date(as_of)
    sql = f"""
        WITH k AS MATERIALIZED (
            SELECT customer_id, SUM(b0) AS cents FROM (
                SELECT customer_id, {invoice_case}
                FROM {_open_invoices_from()} AND issue_date <= %s{where}
                GROUP BY customer_id
                UNION ALL
                SELECT customer_id, {cash_case}
                FROM receivables_payment
                WHERE unallocated_amount > 0 AND received_on <= %s{where}
                GROUP BY customer_id
            ) AS sides GROUP BY customer_id
        )
    """  # noqa: S608 - fragments are constants, values are parameters
    return sql, [*invoice_params, day, *where_params, *cash_params, day, *where_params]


def _ranked_by_amount(
    as_of: dt.date, order: str, customer_filter: Q | None, offset: int, limit: int
) -> tuple[str, list]:
    """The customers by their figure, largest first, ties by code. Only the customers at or
    above the page's last figure are joined to their code (not the 100,000 of a large ledger):
    the figure of rank ``offset + limit`` is found first, ties included."""
    cte, params = _figure_cte(as_of, order, customer_filter)
    sql = f"""{cte}
        SELECT c.id FROM k JOIN customers_customer AS c ON c.id = k.customer_id
        WHERE k.cents >= COALESCE(
            (SELECT cents FROM k ORDER BY cents DESC LIMIT 1 OFFSET %s),
            (SELECT MIN(cents) FROM k)
        )
        ORDER BY k.cents DESC, c.code, c.id
        LIMIT %s OFFSET %s
    """  # noqa: S608 - fragments are constants, values are parameters
    return sql, [*params, max(offset + limit - 1, 0), limit, offset]


def customers_with_balance(*, as_of: dt.date, customer_filter: Q | None = None) -> int:
    """How many customers' aged balance rows do not add up to zero."""
    cte, params = _figure_cte(as_of, "balance", customer_filter)
    sql = f"{cte} SELECT COUNT(*) FROM k WHERE cents <> 0"  # noqa: S608 - constants only
    return _fetch(sql, params)[0][0]


def aged_balance_ranked(
    *,
    as_of: dt.date,
    offset: int,
    limit: int,
    customer_filter: Q | None = None,
    order: str = "balance",
) -> list[int]:
    """The ids of ``limit`` customers of the aged balance from ``offset`` in ``order``: by
    code, or largest balance or overdue amount first (ties by code)."""
    if order not in ORDERS:
        raise ValueError(order)
    if limit <= 0:
        return []
    if order == "code":
        sql, params = _ranked_by_code(_db_date(as_of), customer_filter)
        sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
    else:
        sql, params = _ranked_by_amount(as_of, order, customer_filter, offset, limit)
    return [customer_id for (customer_id,) in _fetch(sql, params)]


def _python_key(order: str):
    """The same order as ``aged_balance_ranked``'s, for rows already read."""
    if order == "code":
        return lambda row: (row.customer_code, row.customer_id)
    if order == "overdue":
        return lambda row: (-row.overdue, row.customer_code, row.customer_id)
    return lambda row: (-row.balance, row.customer_code, row.customer_id)


class RankedAgedRows(Sequence):
    """The aged balance's rows (``AgedRow``) in ``order``, ``size`` of them (the number of
    customers ``aged_balance_by`` counted), read a slice at a time; the last slice read is
    kept, so a page and its chart read once."""

    def __init__(
        self,
        *,
        as_of: dt.date,
        buckets: list[AgeBucket],
        customer_filter: Q | None,
        size: int,
        order: str = "balance",
    ):
        if order not in ORDERS:
            raise ValueError(order)
        self.as_of, self.buckets, self.customer_filter = as_of, buckets, customer_filter
        self.size, self.order = size, order
        self._kept: tuple[int, list[AgedRow]] = (0, [])

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.size)
            if step != 1:
                raise ValueError("step")
            return self._read(start, max(stop - start, 0))
        position = index + self.size if index < 0 else index
        if not 0 <= position < self.size:
            raise IndexError(index)
        return self._read(position, 1)[0]

    def _read(self, start: int, count: int) -> list[AgedRow]:
        kept_start, kept = self._kept
        if kept_start <= start and start + count <= kept_start + len(kept):
            return kept[start - kept_start : start + count - kept_start]
        if count > RANKED_READ:
            rows = aged_balance(
                as_of=self.as_of, buckets=self.buckets, customer_filter=self.customer_filter
            ).rows
            rows.sort(key=_python_key(self.order))
            rows = rows[start : start + count]
        else:
            ids = aged_balance_ranked(
                as_of=self.as_of,
                offset=start,
                limit=count,
                customer_filter=self.customer_filter,
                order=self.order,
            )
            rows = []
            if ids:
                found = aged_balance(
                    as_of=self.as_of, buckets=self.buckets, customer_filter=Q(pk__in=ids)
                )
                by_id = {row.customer_id: row for row in found.rows}
                rows = [by_id[pk] for pk in ids if pk in by_id]
        self._kept = (start, rows)
        return rows


@dataclass
class AgedBalancePage:
    """The aged balance page: its rows ranked and read a page at a time, its totals and its
    number of rows (customers) summed in the database."""

    as_of: dt.date
    buckets: list[AgeBucket]
    rows: RankedAgedRows
    totals: dict[str, Decimal]

    @property
    def total_balance(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def aged_balance_paged(
    *,
    as_of: dt.date | None = None,
    collector_id: int | None = None,
    segment_id: int | None = None,
    sort: str = "code",
) -> AgedBalancePage:
    """``aged_balance_for``'s rows, totals and order (by code, or largest balance or overdue
    first), without building every customer's row: the totals from ``aged_balance_by``, the
    rows a page at a time."""
    as_of = as_of or today()
    buckets = company_age_buckets()
    lookups = {"collector_id": collector_id, "segment_id": segment_id}
    lookups = {k: v for k, v in lookups.items() if v is not None}
    customer_filter = Q(**lookups) if lookups else None
    sums = aged_balance_by(
        as_of=as_of, buckets=buckets, column=None, customer_filter=customer_filter
    )
    size, totals = sums.get(None, (0, dict.fromkeys((b.key for b in buckets), ZERO)))
    rows = RankedAgedRows(
        as_of=as_of,
        buckets=buckets,
        customer_filter=customer_filter,
        size=size,
        order=sort if sort in ORDERS else "code",
    )
    return AgedBalancePage(as_of=as_of, buckets=buckets, rows=rows, totals=totals)
