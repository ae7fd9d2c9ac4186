"""The customer risk view (``/insights/risk/``) and the risk card of the customer page.

A page is two queries: the ids of its customers in the chosen order (computing only the sort
key), then their figures, each a correlated subquery on an index of the customer's own rows
(invoices, disputes, promises by customer), so nothing runs per row in Python and the figures
are computed for the 50 customers shown, not for all 33,000:

- exposure: the stored open balance (``Customer.open_balance``, refreshed on every write and
  each morning), against the credit limit (share used; over the limit when above it);
- average days late: the customer page's definition (amount-weighted, invoices settled in the
  last 365 days, paying early counts 0 days), and its trend: the same average over invoices
  settled in the last 3 calendar months minus the one over the 3 months before (positive: the
  customer pays later than before);
- dispute rate: disputes raised in the last 365 days / invoices issued in them, and the
  disputed amount / the invoiced amount;
- broken promises: promises to pay resolved as broken in the last 365 days;
- the abuse score and flag stored by ``disputes.services.abuse_scores_refresh``.

Pages are bounded: ``PAGE_SIZE`` rows by page number up to ``MAX_PAGES``; the filters narrow
the rest."""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from encaisse.core.dates import end_of_month, today
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer
from encaisse.disputes.models import Dispute
from encaisse.dunning.choices import PromiseStatus
from encaisse.dunning.models import PromiseToPay
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from . import snapshots
from .queries import LATENESS_WINDOW_DAYS, DaysBetween, Scope

PAGE_SIZE = 50
MAX_PAGES = 40  # 2,000 customers by page number; the filters narrow the rest
TREND_MONTHS = 3
AMOUNT = DecimalField(max_digits=18, decimal_places=2)
TENTH = Decimal("0.1")

SORTS = ("exposure", "over_limit", "days_late", "score")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = end_of_month(dt.date(year, month + 1, 1))
    return last.replace(day=min(day.day, last.day))


@dataclass(frozen=True)
class RiskFilters:
    scope: Scope = Scope()
    over_limit_only: bool = False
    flagged_only: bool = False
    sort: str = "exposure"


@dataclass(frozen=True)
class Windows:
    """The periods the figures cover, ``(start, end]`` each."""

    as_of: dt.date
    year_start: dt.date
    recent_start: dt.date
    prior_start: dt.date


def windows(as_of: dt.date) -> Windows:
    recent_start = months_before(as_of, TREND_MONTHS)
    return Windows(
        as_of=as_of,
        year_start=as_of - dt.timedelta(days=LATENESS_WINDOW_DAYS),
        recent_start=recent_start,
        prior_start=months_before(recent_start, TREND_MONTHS),
    )


def _per_customer(queryset: QuerySet, expression, output_field) -> Subquery:
    """``expression`` aggregated over the outer customer's rows of ``queryset``."""
    rows = queryset.filter(customer=OuterRef("pk")).order_by().values("customer")
    return Subquery(rows.annotate(value=expression).values("value")[:1], output_field=output_field)


def _days_late(start: dt.date, end: dt.date) -> Subquery:
    """The amount-weighted average days late of the invoices settled in ``(start, end]``."""
    settled = Invoice.objects.filter(
        status=InvoiceStatus.SETTLED,
        kind=InvoiceKind.INVOICE,
        amount__gt=0,
        settled_on__gt=start,
        settled_on__lte=end,
    )
    late = Greatest(DaysBetween("settled_on", "due_date"), Value(0))
    weighted = Sum(ExpressionWrapper(F("amount") * late, output_field=AMOUNT))
    average = ExpressionWrapper(
        Cast(weighted, FloatField()) / Cast(Sum("amount"), FloatField()), output_field=FloatField()
    )
    return _per_customer(settled, average, FloatField())


def _count(queryset: QuerySet) -> Coalesce:
    return Coalesce(_per_customer(queryset, Count("id"), IntegerField()), Value(0))


def _sum(queryset: QuerySet, field_name: str) -> Coalesce:
    return Coalesce(
        _per_customer(queryset, Sum(field_name), AMOUNT), Value(ZERO), output_field=AMOUNT
    )


def risk_queryset(*, as_of: dt.date | None = None) -> QuerySet:
    """Every customer with the risk figures annotated (filter and order it, then slice)."""
    w = windows(as_of or today())
    issued = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, issue_date__gt=w.year_start, issue_date__lte=w.as_of
    )
    raised = Dispute.objects.filter(raised_on__gt=w.year_start, raised_on__lte=w.as_of)
    broken = PromiseToPay.objects.filter(
        status=PromiseStatus.BROKEN, resolved_on__gt=w.year_start, resolved_on__lte=w.as_of
    )
    over_by = ExpressionWrapper(F("open_balance") - F("credit_limit"), output_field=AMOUNT)
    return Customer.objects.select_related("segment", "collector", "abuse_score").annotate(
        days_late=_days_late(w.year_start, w.as_of),
        days_late_recent=_days_late(w.recent_start, w.as_of),
        days_late_prior=_days_late(w.prior_start, w.recent_start),
        invoices_issued=_count(issued),
        invoiced_amount=_sum(issued, "amount"),
        disputes_raised=_count(raised),
        disputed_amount=_sum(raised, "disputed_total"),
        promises_broken=_count(broken),
        over_by=over_by,
    )


def over_limit_condition() -> Q:
    return Q(credit_limit__isnull=False, open_balance__gt=F("credit_limit"))


def _ranking(*, sort: str, as_of: dt.date | None) -> QuerySet:
    """Customers with only what ``sort`` orders by: a page's ids are found without computing
    the other figures for every customer the sort has to read."""
    customers = Customer.objects.all()
    if sort == "days_late":
        w = windows(as_of or today())
        customers = customers.annotate(days_late=_days_late(w.year_start, w.as_of))
    elif sort == "over_limit":
        over_by = ExpressionWrapper(F("open_balance") - F("credit_limit"), output_field=AMOUNT)
        customers = customers.annotate(over_by=over_by)
    return customers


def risk_list(
    *, filters: RiskFilters, as_of: dt.date | None = None, figures: bool = True
) -> QuerySet:
    """The customers with an open balance, narrowed and ordered as ``filters`` ask, the worst
    first (customers without the figure last), then by id; with every figure, or (``figures``
    False) only the sort key."""
    sort = filters.sort if filters.sort in SORTS else "exposure"
    if figures:
        customers = risk_queryset(as_of=as_of)
    else:
        customers = _ranking(sort=sort, as_of=as_of)
    customers = customers.filter(open_balance__gt=0, **filters.scope.customer_lookups(prefix=""))
    if filters.over_limit_only:
        customers = customers.filter(over_limit_condition())
    if filters.flagged_only:
        customers = customers.filter(abuse_score__flagged=True)
    key = {
        "exposure": F("open_balance").desc(),
        "over_limit": F("over_by").desc(nulls_last=True),
        "days_late": F("days_late").desc(nulls_last=True),
        "score": F("abuse_score__score").desc(nulls_last=True),
    }[sort]
    return customers.order_by(key, "id")


# Figures of one row ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Risk:
    """The risk figures of one customer, as the page, the card and the exports show them."""

    customer: Customer
    exposure: Decimal
    credit_limit: Decimal | None
    share_used: Decimal | None
    over_limit: bool
    days_late: Decimal | None
    days_late_recent: Decimal | None
    days_late_prior: Decimal | None
    invoices_issued: int
    disputes_raised: int
    dispute_rate: Decimal | None
    disputed_share: Decimal | None
    promises_broken: int
    score: int | None
    flagged: bool

    @property
    def trend(self) -> Decimal | None:
        """Days late, last 3 months minus the 3 before (positive: paying later)."""
        if self.days_late_recent is None or self.days_late_prior is None:
            return None
        return self.days_late_recent - self.days_late_prior


def _tenth(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def risk_of(customer: Customer) -> Risk:
    """A customer annotated by ``risk_queryset`` as plain figures."""
    c = customer
    limit = c.credit_limit
    try:
        abuse = c.abuse_score
    except Customer.abuse_score.RelatedObjectDoesNotExist:
        abuse = None
    return Risk(
        customer=c,
        exposure=c.open_balance,
        credit_limit=limit,
        share_used=_percent(c.open_balance, limit) if limit else None,
        over_limit=limit is not None and c.open_balance > limit,
        days_late=_tenth(c.days_late),
        days_late_recent=_tenth(c.days_late_recent),
        days_late_prior=_tenth(c.days_late_prior),
        invoices_issued=c.invoices_issued,
        disputes_raised=c.disputes_raised,
        dispute_rate=_percent(c.disputes_raised, c.invoices_issued),
        disputed_share=_percent(c.disputed_amount, c.invoiced_amount),
        promises_broken=c.promises_broken,
        score=abuse.score if abuse else None,
        flagged=bool(abuse and abuse.flagged),
    )


@dataclass
class RiskPage:
    rows: list[Risk]
    number: int
    has_next: bool


def _lateness(w: Windows) -> tuple[str, list]:
    """A SELECT of ``(customer_id, weighted, total)``: each customer's amount settled in the
    year times its days late, and that amount, in cents. From the snapshots when they hold
    and were built that day (their figures are then those of the ledger), else computed: one
    GROUP BY over the year's settlements (the cash forecast's ``delays_sql``, the snapshot's
    own definition)."""
    state = snapshots.fresh_state(dunning=False)
    if state is not None and state.delays_on == w.as_of:
        sql = (
            "SELECT customer_id, late_weighted AS weighted, late_amount AS total "
            "FROM insights_snapshotdelay"
        )
        return sql, []
    from .forecast import delays_sql

    return delays_sql(w.as_of, Scope())


def _ids_by_days_late(customers: QuerySet, w: Windows, start: int, count: int) -> list[int]:
    """``count`` ids of ``customers`` from ``start``, latest payers first (none known last),
    ranked by the ratio of each customer's lateness sums in whole cents (``_lateness``): the
    same order whether they are read from the snapshots or computed, where a correlated
    subquery per customer would seek each of 100,000 customers' invoices."""
    customer_ids, params = customers.order_by().values("id").query.sql_with_params()
    lateness, lateness_params = _lateness(w)
    # Fragments are constants; values are parameters. The customers are a derived table
    # joined to the sums (PostgreSQL hashes both; an IN list made it loop).
    sql = f"""
        SELECT c.id FROM ({customer_ids}) AS c
        LEFT JOIN ({lateness}) AS l ON l.customer_id = c.id
        ORDER BY CAST(l.weighted AS DOUBLE PRECISION) / NULLIF(l.total, 0) DESC NULLS LAST, c.id
        LIMIT %s OFFSET %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *lateness_params, count, start])
        return [row[0] for row in cursor.fetchall()]


def risk_page(*, filters: RiskFilters, page: int = 1, as_of: dt.date | None = None) -> RiskPage:
    """Page ``page`` (1..``MAX_PAGES``) of ``risk_list`` in two queries: the page's customer
    ids in order (only the sort key computed), then their figures."""
    number = min(max(page, 1), MAX_PAGES)
    start = (number - 1) * PAGE_SIZE
    if filters.sort == "days_late":
        customers = risk_list(filters=replace(filters, sort="exposure"), figures=False)
        ids = _ids_by_days_late(customers, windows(as_of or today()), start, PAGE_SIZE + 1)
    else:
        ranked = risk_list(filters=filters, as_of=as_of, figures=False)
        ids = list(ranked.values_list("id", flat=True)[start : start + PAGE_SIZE + 1])
    has_next = len(ids) > PAGE_SIZE and number < MAX_PAGES
    ids = ids[:PAGE_SIZE]
    found = {c.pk: c for c in risk_queryset(as_of=as_of).filter(pk__in=ids)} if ids else {}
    return RiskPage([risk_of(found[pk]) for pk in ids if pk in found], number, has_next)


def customer_risk(customer_id: int, *, as_of: dt.date | None = None) -> Risk | None:
    """The risk card of the customer page: the same figures as the risk view, one query."""
    found = risk_queryset(as_of=as_of).filter(pk=customer_id).first()
    return risk_of(found) if found else None
