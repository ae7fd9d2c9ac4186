"""The sections the monthly report adds to the dashboard's figures, arranged from the selectors
the pages already use: the aged balance (``receivables.selectors.aged_balance``) summed by
customer segment, the dispute statistics (``disputes.statistics``: one grouped statement per
grouping, the Pareto and its chart) and dunning effectiveness (``effectiveness.py``).

The report covers the whole company: it is read by management and is not scoped by user."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from encaisse.core.money import ZERO
from encaisse.core.templatetags.encaisse import bucket_label
from encaisse.customers.models import Customer
from encaisse.disputes.models import Dispute
from encaisse.disputes.statistics import pareto
from encaisse.disputes.statistics.chart import pareto_svg
from encaisse.disputes.statistics.groups import grouped_statistics
from encaisse.receivables.selectors import aged_balance

from .charts import Series, bar_chart
from .effectiveness import WINDOWS, promise_rate, step_effectiveness
from .tables import _amount

CHUNK = 5000
PARETO_MONTHS = 12


@dataclass
class SegmentAgeing:
    label: str
    buckets: dict[str, Decimal] = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((v for k, v in self.buckets.items() if k != "not_due"), ZERO)


def _segments_of(customer_ids: list[int]) -> dict[int, str | None]:
    """Customer id -> segment name, read in chunks (a million-invoice ledger has many)."""
    names = {}
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
        names.update(Customer.objects.filter(pk__in=chunk).values_list("pk", "segment__name"))
    return names


def aged_by_segment(*, as_of: dt.date) -> dict:
    """The aged balance on ``as_of`` summed by segment (customers without one last), with its
    total per bucket and a stacked bar chart of the buckets per segment."""
    balance = aged_balance(as_of=as_of)
    segment_of = _segments_of([row.customer_id for row in balance.rows])
    groups: dict[str | None, SegmentAgeing] = {}
    for row in balance.rows:
        name = segment_of.get(row.customer_id)
        group = groups.setdefault(
            name, SegmentAgeing(name or _("No segment"), {b.key: ZERO for b in balance.buckets})
        )
        for key, amount in row.buckets.items():
            group.buckets[key] += amount
    rows = sorted(groups.items(), key=lambda item: (item[0] is None, -item[1].balance))
    rows = [group for _name, group in rows]
    buckets = [(b.key, bucket_label(b)) for b in balance.buckets]
    chart = bar_chart(
        chart_id="aged-segment-chart",
        title=_("Aged balance by segment"),
        description=_("Amounts owed per segment, split by days past the due date."),
        labels=[group.label for group in rows],
        series=[Series(label, [group.buckets[key] for group in rows]) for key, label in buckets],
        x_label=_("Segment"),
        y_label=_("Amount (€)"),
        formatter=_amount,
    )
    return {
        "buckets": buckets,
        "rows": rows,
        "totals": balance.totals,
        "total": balance.total_balance,
        "overdue": balance.total_overdue,
        "chart": chart if rows else "",
    }


def _months_before(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def disputes_of_month(*, first: dt.date, as_of: dt.date) -> dict:
    """The disputes raised in the month (``first`` to ``as_of``): their total and figures by
    category; and the Pareto of root causes over the 12 months to ``as_of``, a month holding
    too few resolved disputes for causes to stand out."""
    month = Dispute.objects.filter(raised_on__gte=first, raised_on__lte=as_of).order_by()
    total, categories = grouped_statistics(queryset=month, group_by="category", as_of=as_of)
    since = _months_before(first, PARETO_MONTHS - 1)
    year = Dispute.objects.filter(raised_on__gte=since, raised_on__lte=as_of).order_by()
    _total, causes = grouped_statistics(queryset=year, group_by="root_cause", as_of=as_of)
    rows = pareto(causes, by="amount")
    return {
        "total": total,
        "categories": categories,
        "pareto": rows,
        "pareto_since": since,
        "pareto_chart": pareto_svg(
            rows, by="amount", title=_("Root causes of disputes, by amount (Pareto)")
        ),
    }


def dunning_effectiveness(*, as_of: dt.date) -> dict:
    return {
        "steps": step_effectiveness(as_of=as_of),
        "windows": WINDOWS,
        "promises": promise_rate(as_of=as_of),
    }
