"""The customer risk view's export: every matching customer with every figure.

A page computes its 50 customers' figures by correlated subqueries (``risk.risk_queryset``);
for every customer at once, one GROUP BY per source is cheaper: the settled invoices of the
year (the three days-late windows as conditional sums), the invoices issued, the disputes
raised and the promises broken, each read in one pass and joined in a dictionary by customer.
The arithmetic and rounding are ``risk.risk_of``'s, so a row reads as the page shows it."""

import datetime as dt

from django.db.models import Case, Count, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Greatest

from encaisse.core.dates import today
from encaisse.core.exports import INTEGER, MONEY, Column
from encaisse.core.money import ZERO
from encaisse.disputes.models import Dispute
from encaisse.dunning.choices import PromiseStatus
from encaisse.dunning.models import PromiseToPay
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from .queries import DaysBetween
from .risk import AMOUNT, RiskFilters, Windows, risk_list, risk_of, windows

EXPORT_COLUMNS = [
    Column("customer_code"),
    Column("customer_name", width=40),
    Column("segment"),
    Column("collector"),
    Column("exposure", MONEY),
    Column("credit_limit", MONEY),
    Column("share_used_pct"),
    Column("over_limit"),
    Column("average_days_late"),
    Column("days_late_last_3_months"),
    Column("days_late_3_months_before"),
    Column("days_late_trend"),
    Column("invoices_issued_12_months", INTEGER),
    Column("disputes_raised_12_months", INTEGER),
    Column("dispute_rate_pct"),
    Column("disputed_amount_share_pct"),
    Column("promises_broken_12_months", INTEGER),
    Column("abuse_score"),
    Column("flagged"),
]


WINDOWS = ("days_late", "days_late_recent", "days_late_prior")
EXPORTED_FIELDS = (
    "code",
    "name",
    "open_balance",
    "credit_limit",
    "segment__name",
    "collector__username",
    "collector__first_name",
    "collector__last_name",
    "abuse_score__score",
    "abuse_score__flagged",
)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _within(start: dt.date, end: dt.date, expression) -> Case:
    return Case(
        When(Q(settled_on__gt=start, settled_on__lte=end), then=expression),
        default=Value(ZERO),
        output_field=AMOUNT,
    )


def _figures_by_customer(w: Windows) -> dict[int, dict]:
    """``{customer id: {annotation name: value}}`` as ``risk_queryset`` annotates them, for
    every customer with something in the windows, in four GROUP BY queries."""
    figures: dict[int, dict] = {}
    late = Greatest(DaysBetween("settled_on", "due_date"), Value(0))
    weighted = ExpressionWrapper(F("amount") * late, output_field=AMOUNT)
    spans = {
        "days_late": (w.year_start, w.as_of),
        "days_late_recent": (w.recent_start, w.as_of),
        "days_late_prior": (w.prior_start, w.recent_start),
    }
    sums = {}
    for name, (start, end) in spans.items():
        sums[f"{name}_w"] = Sum(_within(start, end, weighted))
        sums[f"{name}_t"] = Sum(_within(start, end, F("amount")))
    settled = Invoice.objects.filter(
        status=InvoiceStatus.SETTLED,
        kind=InvoiceKind.INVOICE,
        amount__gt=0,
        settled_on__gt=min(w.year_start, w.prior_start),
        settled_on__lte=w.as_of,
    )
    for row in settled.values("customer_id").order_by().annotate(**sums):
        entry = figures.setdefault(row["customer_id"], {})
        for name in spans:
            total = row[f"{name}_t"]
            # Float division, as the page's subquery divides.
            entry[name] = float(row[f"{name}_w"]) / float(total) if total else None
    issued = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, issue_date__gt=w.year_start, issue_date__lte=w.as_of
    )
    for row in issued.values("customer_id").order_by().annotate(n=Count("id"), s=Sum("amount")):
        entry = figures.setdefault(row["customer_id"], {})
        entry["invoices_issued"], entry["invoiced_amount"] = row["n"], row["s"]
    raised = Dispute.objects.filter(raised_on__gt=w.year_start, raised_on__lte=w.as_of)
    totals = Sum("disputed_total")
    for row in raised.values("customer_id").order_by().annotate(n=Count("id"), s=totals):
        entry = figures.setdefault(row["customer_id"], {})
        entry["disputes_raised"], entry["disputed_amount"] = row["n"], row["s"]
    broken = PromiseToPay.objects.filter(
        status=PromiseStatus.BROKEN, resolved_on__gt=w.year_start, resolved_on__lte=w.as_of
    )
    for row in broken.values("customer_id").order_by().annotate(n=Count("id")):
        figures.setdefault(row["customer_id"], {})["promises_broken"] = row["n"]
    return figures


DEFAULTS = {
    "days_late": None,
    "days_late_recent": None,
    "days_late_prior": None,
    "invoices_issued": 0,
    "invoiced_amount": ZERO,
    "disputes_raised": 0,
    "disputed_amount": ZERO,
    "promises_broken": 0,
}


def _risks(*, filters: RiskFilters, as_of: dt.date | None):
    figures = _figures_by_customer(windows(as_of or today()))
    by_late = filters.sort == "days_late"
    ranking = RiskFilters(
        scope=filters.scope,
        over_limit_only=filters.over_limit_only,
        flagged_only=filters.flagged_only,
        sort="exposure" if by_late else filters.sort,
    )
    # Only the columns the rows show: 100,000 customers, each with its segment, collector and
    # score, are built as model instances; the other columns (dates among them) were most of it.
    customers = (
        risk_list(filters=ranking, as_of=as_of, figures=False)
        .select_related("segment", "collector", "abuse_score")
        .only(*EXPORTED_FIELDS)
    )
    risks = []
    for customer in customers.iterator(chunk_size=2000):
        for name, value in {**DEFAULTS, **figures.get(customer.pk, {})}.items():
            setattr(customer, name, value)
        risks.append(risk_of(customer))
    if by_late:  # latest payers first, customers without settled invoices last, then by id
        risks.sort(key=lambda r: (r.days_late is None, -(r.days_late or 0), r.customer.pk))
    return risks


def risk_export_rows(*, filters: RiskFilters, with_scores: bool, as_of=None):
    """Every customer of ``risk_list`` in the page's order."""
    for r in _risks(filters=filters, as_of=as_of):
        c = r.customer
        yield (
            c.code,
            c.name,
            c.segment.name if c.segment else "",
            _user_name(c.collector),
            r.exposure,
            r.credit_limit,
            r.share_used,
            "yes" if r.over_limit else "no",
            r.days_late,
            r.days_late_recent,
            r.days_late_prior,
            r.trend,
            r.invoices_issued,
            r.disputes_raised,
            r.dispute_rate,
            r.disputed_share,
            r.promises_broken,
            r.score if with_scores else None,
            ("yes" if r.flagged else "no") if with_scores else None,
        )
