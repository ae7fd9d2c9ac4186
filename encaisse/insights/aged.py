"""The aged balance grouped by segment, collector or customer (``/insights/aged/``).

Every figure is the aged balance page's (``receivables.selectors``), so the totals are that
page's to the cent: open invoices and credit notes by due date, less unallocated cash by receipt
date. No row per customer is read for it: a segment's or a collector's figures are summed in the
database (``aged_balance_by``, one statement); grouped by customer, the database ranks the
customers by balance (ties by code) and a page reads the rows of its own 50 customers, its
chart those of the 10 largest, and the totals come from one more sum (``CustomerLines``).

A group drills down: a segment or a collector to its customers (this page, grouped by
customer, narrowed to that segment or collector), a customer's bucket to the invoice list with
its own query parameters (``customer_id`` and ``bucket``, or the due-date range of the bucket
when the balance is aged on another day than today), so the user lands on the invoices."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from encaisse.company.selectors import company_age_buckets
from encaisse.core.dates import AgeBucket, today
from encaisse.core.exports import MONEY, Column
from encaisse.core.money import ZERO
from encaisse.core.templatetags.encaisse import bucket_label
from encaisse.receivables.aged_ranking import RankedAgedRows
from encaisse.receivables.selectors import AgedRow, BucketAmounts, aged_balance_by

from .charts import Series, bar_chart
from .queries import Scope, group_labels

GROUPINGS = ("segment", "collector", "customer")
CHART_GROUPS = 10  # bars on the chart: the largest balances, the rest as one "others" bar


@dataclass
class AgedGroup(BucketAmounts):
    """One line of the grouped aged balance: a segment, a collector or a customer."""

    key: int | None
    label: str
    code: str = ""
    customers: int = 0
    buckets: dict[str, Decimal] = field(default_factory=dict)


class CustomerLines(Sequence):
    """The customer lines of the grouped aged balance, largest balance first (ties by code),
    read a slice at a time: the aged balance's own ranked rows (``RankedAgedRows``: the
    database ranks the customers, then the slice's rows are read; the last slice is kept, so
    the chart's 10 largest cost nothing more on the first page)."""

    def __init__(self, *, as_of: dt.date, buckets: list[AgeBucket], scope: Q | None, size: int):
        self.rows = RankedAgedRows(
            as_of=as_of, buckets=buckets, customer_filter=scope, size=size, order="balance"
        )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_customer_line(row) for row in self.rows[index]]
        return _customer_line(self.rows[index])


def _customer_line(row: AgedRow) -> AgedGroup:
    return AgedGroup(row.customer_id, row.customer_name, row.customer_code, 1, row.buckets)


@dataclass
class AgedGroups:
    as_of: dt.date
    group: str
    buckets: list[AgeBucket]
    rows: Sequence[AgedGroup]
    totals: dict[str, Decimal]
    customers: int

    @property
    def total_balance(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def _none_label(group: str) -> str:
    return _("No segment") if group == "segment" else _("No collector")


def aged_groups(*, as_of: dt.date, scope: Scope, group: str) -> AgedGroups:
    """The aged balance of ``scope`` as of ``as_of``, one row per ``group`` (segment, collector
    or customer), largest balance first; totals are the aged balance page's."""
    group = group if group in GROUPINGS else "segment"
    buckets = company_age_buckets()
    lookups = scope.customer_lookups(prefix="")
    customer_filter = Q(**lookups) if lookups else None
    column = None if group == "customer" else f"{group}_id"
    sums = aged_balance_by(
        as_of=as_of, buckets=buckets, column=column, customer_filter=customer_filter
    )
    customers = sum(count for count, _amounts in sums.values())
    totals = {b.key: sum((a[b.key] for _c, a in sums.values()), ZERO) for b in buckets}
    if group == "customer":
        rows = CustomerLines(as_of=as_of, buckets=buckets, scope=customer_filter, size=customers)
    else:
        labels = group_labels(group, sums)
        rows = [
            AgedGroup(key, labels.get(key, "") if key is not None else _none_label(group))
            for key in sums
        ]
        for row in rows:
            row.customers, row.buckets = sums[row.key]
        rows.sort(key=lambda r: (-r.balance, r.label))
    return AgedGroups(
        as_of=as_of, group=group, buckets=buckets, rows=rows, totals=totals, customers=customers
    )


# Drill-down links ------------------------------------------------------------------------------


def drill_down_url(*, group: str, key, query: dict) -> str | None:
    """This page grouped by customer, narrowed to the segment or collector ``key`` (None for
    customers without one: the filters cannot select them)."""
    if group == "customer" or key is None:
        return None
    params = {k: v for k, v in query.items() if v not in (None, "") and k not in ("page",)}
    params.update({"group": "customer", group: key})
    return f"{reverse('insights:aged')}?{urlencode(params)}"


def invoices_url(*, customer_id: int, bucket: AgeBucket | None, as_of: dt.date) -> str:
    """The invoice list of a customer's open documents, in ``bucket`` when one is given: by
    the list's ``bucket`` filter when aged today (the list ages as of today), else by the due
    dates that put a document in that bucket on ``as_of``."""
    params: dict = {"status": "open", "customer_id": customer_id}
    if bucket is not None and as_of == today():
        params["bucket"] = bucket.key
    elif bucket is not None:
        if bucket.high is not None:
            params["due_after"] = (as_of - dt.timedelta(days=bucket.high)).isoformat()
        if bucket.low is not None:
            params["due_before"] = (as_of - dt.timedelta(days=bucket.low)).isoformat()
    return f"{reverse('receivables:list')}?{urlencode(params)}"


def add_links(rows: list[AgedGroup], *, data: AgedGroups, query: dict) -> None:
    """Give the rows of a page their links: ``drill_url`` (a segment's or a collector's
    customers), ``cells`` (bucket, amount, invoice list URL or None) and, for a customer,
    ``invoices_url`` (all its open invoices)."""
    by_customer = data.group == "customer"
    for row in rows:
        row.drill_url = drill_down_url(group=data.group, key=row.key, query=query)
        row.cells = [
            (
                bucket,
                row.buckets.get(bucket.key),
                invoices_url(customer_id=row.key, bucket=bucket, as_of=data.as_of)
                if by_customer
                else None,
            )
            for bucket in data.buckets
        ]
        if by_customer:
            row.invoices_url = invoices_url(customer_id=row.key, bucket=None, as_of=data.as_of)


# Chart and export ------------------------------------------------------------------------------


def _short(text: str, size: int = 10) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def aged_chart(data: AgedGroups, *, formatter=str):
    """Stacked bars of the largest groups (one colour per bucket; unallocated cash, negative,
    is left out of the bars and shown in the table)."""
    shown = data.rows[:CHART_GROUPS]
    labels = [_short(r.code or r.label) for r in shown]
    columns = [r.buckets for r in shown]
    if len(data.rows) > CHART_GROUPS:  # the others: the totals less the groups shown
        labels.append(_("Others"))
        columns.append(
            {
                b.key: data.totals[b.key] - sum((r.buckets.get(b.key, ZERO) for r in shown), ZERO)
                for b in data.buckets
            }
        )
    series = [
        Series(bucket_label(b), [column.get(b.key, ZERO) for column in columns])
        for b in data.buckets
    ]
    names = {"segment": _("Segment"), "collector": _("Collector"), "customer": _("Customer")}
    return bar_chart(
        chart_id="aged-chart",
        title=_("Aged balance by %(group)s") % {"group": names[data.group].lower()},
        description=_("Open amounts per group, stacked by days past due."),
        labels=labels,
        series=series,
        x_label=names[data.group],
        y_label=_("Amount (€)"),
        formatter=formatter,
    )


def aged_export(data: AgedGroups):
    """(title, columns, rows) of the grouped aged balance, every group and a total line."""
    columns = [
        Column(data.group, width=40),
        Column("code"),
        Column("customers"),
        *(Column(b.key, MONEY) for b in data.buckets),
        Column("balance", MONEY),
    ]
    rows = [
        (
            r.label,
            r.code,
            r.customers,
            *(r.buckets.get(b.key, ZERO) for b in data.buckets),
            r.balance,
        )
        for r in data.rows
    ]
    rows.append(
        (
            _("Total"),
            "",
            data.customers,
            *(data.totals[b.key] for b in data.buckets),
            data.total_balance,
        )
    )
    return _("Aged balance"), columns, rows
