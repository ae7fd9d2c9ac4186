"""The one definition of which invoices a list shows, and in which order.

``InvoiceCriteria`` is what a user or a client asks for; ``invoices_matching`` turns it into a
queryset. The invoices page (``forms.InvoiceFilterForm``), its CSV and Excel exports and the
``/api/v1/invoices`` endpoint all go through it, so they always agree on what "overdue" or
"due before" means (NetBox's filtersets play this part there).

Lists are paged by keyset (``invoice_page``): the cursor is the last row's sort value and id,
so page 1,000 costs what page 1 costs and nothing counts the whole table."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet

from encaisse.core.dates import AgeBucket, today
from encaisse.customers.models import Customer

from .choices import InvoiceKind, InvoiceStatus
from .models import Invoice


@dataclass(frozen=True)
class InvoiceCriteria:
    """Filters over invoices and credit notes; ``None`` means "any".

    ``status`` is ``open`` or ``settled``; ``overdue`` selects open invoices past their due date
    (``False``: everything else); ``bucket`` selects open documents whose days past due fall in
    that ageing bucket. ``customer_code`` and ``number`` are exact. ``customer_search`` is a
    customer code (then only that customer) or else part of a name; ``number_prefix`` matches
    the start of a number. Amount bounds apply to the amount incl. tax (signed: a credit note
    is negative)."""

    status: str | None = None
    overdue: bool | None = None
    kind: str | None = None
    bucket: AgeBucket | None = None
    customer_id: int | None = None
    customer_code: str | None = None
    customer_search: str | None = None
    number: str | None = None
    number_prefix: str | None = None
    due_after: dt.date | None = None
    due_before: dt.date | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None


def overdue_condition(as_of: dt.date) -> Q:
    """An open invoice past its due date. A credit note is never overdue: it is owed to the
    customer."""
    return Q(kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN, due_date__lt=as_of)


def days_overdue(*, kind: str, status: str, due_date: dt.date, as_of: dt.date) -> int:
    """Days an open invoice is past due on ``as_of``; 0 for credit notes and settled ones (the
    same rule as ``overdue_condition``, for one row in Python)."""
    if kind != InvoiceKind.INVOICE or status != InvoiceStatus.OPEN:
        return 0
    return max((as_of - due_date).days, 0)


def bucket_condition(bucket: AgeBucket, as_of: dt.date) -> Q:
    """Open documents ``bucket.low``..``bucket.high`` days past due on ``as_of``."""
    condition = Q(status=InvoiceStatus.OPEN)
    if bucket.high is not None:
        condition &= Q(due_date__gte=as_of - dt.timedelta(days=bucket.high))
    if bucket.low is not None:
        condition &= Q(due_date__lte=as_of - dt.timedelta(days=bucket.low))
    return condition


def invoices_matching(
    criteria: InvoiceCriteria, *, as_of: dt.date | None = None, queryset: QuerySet | None = None
) -> QuerySet:
    """The invoices that ``criteria`` selects (unordered), with their customer joined."""
    as_of = as_of or today()
    c = criteria
    queryset = Invoice.objects.select_related("customer") if queryset is None else queryset
    exact = {
        "status": c.status,
        "kind": c.kind,
        "customer_id": c.customer_id,
        "customer__code": c.customer_code,
        "number": c.number,
        "due_date__gte": c.due_after,
        "due_date__lte": c.due_before,
        "amount__gte": c.min_amount,
        "amount__lte": c.max_amount,
    }
    queryset = queryset.filter(**{k: v for k, v in exact.items() if v is not None})
    if c.number is not None and c.kind is None:
        # Lets the database seek the unique (kind, number) index instead of scanning.
        queryset = queryset.filter(kind__in=InvoiceKind.values)
    if c.number_prefix:
        queryset = queryset.filter(_number_starts_with(c.number_prefix))
    if c.customer_search:
        queryset = queryset.filter(customer_id__in=_customers_found(c.customer_search))
    if c.overdue is True:
        queryset = queryset.filter(overdue_condition(as_of))
    elif c.overdue is False:
        queryset = queryset.exclude(overdue_condition(as_of))
    if c.bucket is not None:
        queryset = queryset.filter(bucket_condition(c.bucket, as_of))
    return queryset


# A search narrows a million invoices to a few: resolving it to ids first lets the database seek
# the customer or number index for those ids, where a subquery would make it walk the due-date
# index and test every open invoice. Past this many ids the search is broad, and walking the
# due-date index finds a page of matches quickly: the subquery is kept.
SEARCH_IDS_LIMIT = 1000


def _ids_or_subquery(queryset: QuerySet):
    queryset = queryset.order_by()
    ids = list(queryset.values_list("id", flat=True)[: SEARCH_IDS_LIMIT + 1])
    return ids if len(ids) <= SEARCH_IDS_LIMIT else queryset.values("id")


def _customers_found(term: str):
    """The customer whose code is ``term`` (as typed or in capitals: a seek on the unique
    code), else the customers whose name contains it."""
    by_code = list(
        Customer.objects.filter(code__in={term, term.upper()}).values_list("id", flat=True)
    )
    return by_code or _ids_or_subquery(Customer.objects.filter(name__icontains=term))


def _number_starts_with(prefix: str) -> Q:
    """Numbers starting with ``prefix`` as typed or in capitals, by a range seek on the unique
    (kind, number) index. The range assumes code-point order (SQLite, PostgreSQL's C
    collation); ``startswith`` keeps the answer exact whatever the collation."""
    ranges = Q()
    for start in sorted({prefix, prefix.upper()}):
        ranges |= Q(number__gte=start, number__lt=start + "\U0010ffff", number__startswith=start)
    matching = Invoice.objects.filter(ranges, kind__in=InvoiceKind.values)
    return Q(id__in=_ids_or_subquery(matching))


# Ordering and keyset pages --------------------------------------------------------------------

# Sort name -> model field; a leading "-" sorts descending. The id breaks ties, so the order is
# total and a cursor names one position. Due date first is served by the (status, due_date, id)
# and (customer, status, due_date) indexes.
INVOICE_SORTS = {
    "due_date": "due_date",
    "-due_date": "-due_date",
    "amount": "amount",
    "-amount": "-amount",
    "open_amount": "open_amount",
    "-open_amount": "-open_amount",
}
DEFAULT_SORT = "due_date"
# No index has an amount first: one would cost every imported invoice a write at a random place
# (about 5 s of CPU per million, docs/benchmarks.md). Without one the database sorts every
# invoice the filters select: a customer's few hundred at once, but seconds over a million. So
# the amount sorts apply to lists narrowed to a customer (or a number); the whole ledger is
# listed by due date.
AMOUNT_SORTS = frozenset({"amount", "-amount", "open_amount", "-open_amount"})


def list_sort(criteria: InvoiceCriteria, sort: str) -> str:
    """The sort a list page gets for ``sort``: amount sorts only on a narrowed list."""
    narrowed = (
        criteria.customer_id is not None
        or criteria.customer_code
        or criteria.customer_search
        or criteria.number
        or criteria.number_prefix
    )
    if sort in AMOUNT_SORTS and not narrowed:
        return DEFAULT_SORT
    return sort


class BadCursor(ValueError):
    """A cursor this list did not hand out."""


def _parse_value(field: str, text: str):
    if field == "due_date":
        return dt.date.fromisoformat(text)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def invoice_page(
    queryset: QuerySet, *, sort: str, cursor: str | None, size: int, any_status: bool = False
) -> Page:
    """One page of ``queryset`` in ``sort`` order, starting after ``cursor``.

    The cursor is ``<value>~<id>`` of the last row shown; the next page is a seek past it
    (``value > v OR (value = v AND id > i)``), never an OFFSET. With ``any_status`` (no status
    filter) the page is read once per status and merged: each read walks the (status, due date,
    id) index, where one read over both statuses would sort the whole table."""
    ordering = INVOICE_SORTS.get(sort, INVOICE_SORTS[DEFAULT_SORT])
    descending = ordering.startswith("-")
    field = ordering.lstrip("-")
    if cursor:
        text, _sep, last_id = cursor.rpartition("~")
        try:
            value, last_id = _parse_value(field, text), int(last_id)
        except ValueError:
            raise BadCursor(cursor) from None
        after = "lt" if descending else "gt"
        # The redundant bound (>= or <=) lets the database seek the index to the value.
        queryset = queryset.filter(
            Q(**{f"{field}__{after}e": value})
            & (Q(**{f"{field}__{after}": value}) | Q(**{"id__" + after: last_id}))
        )
    id_order = "-id" if descending else "id"
    parts = [queryset.filter(status=s) for s in InvoiceStatus.values] if any_status else [queryset]
    rows = []
    for part in parts:
        rows += part.order_by(ordering, id_order)[: size + 1]
    if any_status:
        rows.sort(key=lambda row: (getattr(row, field), row.id), reverse=descending)
        rows = rows[: size + 1]
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        value = getattr(last, field)
        next_cursor = f"{value.isoformat() if field == 'due_date' else value}~{last.id}"
    return Page(rows=rows, next_cursor=next_cursor)
