"""The ledger's lists as export tables: columns and rows for ``core.exports``.

The aged balance's columns are those of ``encaisse export aged-balance`` (the page's CSV and
Excel exports give the same file): ``customer_code, customer_name, balance``, then one column
per ageing bucket named by its key. With the default buckets (30, 60, 90 days) the keys are
``not_due, days_1_30, days_31_60, days_61_90, days_over_90``; with other bounds the names follow
them (45 and 90 days give ``not_due, days_1_45, days_46_90, days_over_90``)."""

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet

from encaisse.core.exports import DATE, INTEGER, MONEY, Column

from .filters import days_overdue
from .selectors import AgedBalance


def aged_balance_columns(balance: AgedBalance) -> list[Column]:
    return [
        Column("customer_code"),
        Column("customer_name", width=40),
        Column("balance", MONEY),
        *(Column(bucket.key, MONEY) for bucket in balance.buckets),
    ]


def aged_balance_rows(balance: AgedBalance) -> Iterator[tuple]:
    """One row per customer, in the balance's order. A customer in credit (paid more than it
    owes) has a negative balance."""
    keys = [bucket.key for bucket in balance.buckets]
    for row in balance.rows:
        yield (
            row.customer_code,
            row.customer_name,
            row.balance,
            *(row.buckets[key] for key in keys),
        )


INVOICE_COLUMNS = [
    Column("number"),
    Column("kind"),
    Column("customer_code"),
    Column("customer_name", width=40),
    Column("issue_date", DATE),
    Column("due_date", DATE),
    Column("days_overdue", INTEGER),
    Column("amount", MONEY),
    Column("open_amount", MONEY),
    Column("currency", width=10),
    Column("status"),
    Column("settled_on", DATE),
    Column("reference"),
    Column("label", width=40),
]

_INVOICE_FIELDS = [
    "number",
    "kind",
    "customer__code",
    "customer__name",
    "issue_date",
    "due_date",
    "status",
    "amount",
    "open_amount",
    "currency",
    "settled_on",
    "reference",
    "label",
]


def invoice_rows(queryset: QuerySet, *, as_of: dt.date) -> Iterator[tuple]:
    """Rows of ``INVOICE_COLUMNS`` for every invoice of an ordered queryset, read in chunks
    (plain tuples, no model instances), so a million rows stream in flat memory."""
    rows = queryset.values_list(*_INVOICE_FIELDS).iterator(chunk_size=2000)
    for (
        number,
        kind,
        code,
        name,
        issued,
        due,
        status,
        amount,
        open_amount,
        currency,
        settled_on,
        reference,
        label,
    ) in rows:
        yield (
            number,
            kind,
            code,
            name,
            issued,
            due,
            days_overdue(kind=kind, status=status, due_date=due, as_of=as_of),
            amount,
            open_amount,
            currency,
            status,
            settled_on,
            reference,
            label,
        )
