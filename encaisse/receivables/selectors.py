"""Reads over the ledger: balances, ageing and the home summary.

The aged balance is one GROUP BY over open invoices with a conditional sum per bucket, plus one
over unallocated payments; nothing is computed row by row in Python."""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Case, DecimalField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.money import ZERO

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
    invoices = Invoice.objects.filter(status=InvoiceStatus.OPEN, issue_date__lte=as_of)
    payments = Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=as_of)
    if customer_filter is not None:
        invoices = invoices.filter(**_prefixed(customer_filter))
        payments = payments.filter(**_prefixed(customer_filter))
    rows: dict[int, AgedRow] = {}
    invoice_groups = (
        invoices.values("customer_id", "customer__code", "customer__name")
        .order_by()
        .annotate(**_bucket_sums(buckets, as_of, "due_date", "open_amount"))
    )
    for group in invoice_groups:
        rows[group["customer_id"]] = AgedRow(
            group["customer_id"],
            group["customer__code"],
            group["customer__name"],
            {b.key: group[b.key] for b in buckets},
        )
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


def home_summary(*, as_of: dt.date | None = None, top: int = 10) -> dict:
    """Figures for the home page: totals, buckets and the customers most overdue."""
    balance = aged_balance(as_of=as_of)
    most_overdue = sorted(
        (row for row in balance.rows if row.overdue > 0), key=lambda r: r.overdue, reverse=True
    )[:top]
    total = balance.total_balance
    overdue = balance.total_overdue
    return {
        "as_of": balance.as_of,
        "buckets": balance.buckets,
        "totals": balance.totals,
        "total_open": total,
        "total_overdue": overdue,
        "overdue_share": (overdue / total * 100) if total > 0 else ZERO,
        "most_overdue": most_overdue,
        "customers_with_balance": sum(1 for row in balance.rows if row.balance != 0),
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
