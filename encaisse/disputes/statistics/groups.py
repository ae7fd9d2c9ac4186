"""Disputes grouped by category, reason code, department, root cause, customer or month of
raising: how many, how much, how fast resolved, how often on time and founded, how much cash
they kept frozen. Plain dataclasses out, for the statistics page, its exports, the API and the
dashboards (issue 5)."""

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections, transaction
from django.db.models import CharField, DateField, F, Func, IntegerField, Max, Min, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.accounts.models import Department
from encaisse.core.dates import today
from encaisse.customers.models import Customer

from ..abuse.features import DaysBetween
from ..models import Category, Dispute, ReasonCode, RootCause
from .filters import StatsFilters, disputes_for_statistics
from .local_date import LocalDate
from .ranked import ranked_figures
from .sql import every_grouping_figures, grouped_figures

CENT = Decimal("0.01")
NONE_KEY = 0  # the group of disputes without a category, code, department or cause


class YearMonth(Func):
    """'2026-03' from a date, without a per-row Python function on SQLite."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"to_char({inner}, 'YYYY-MM')", params

    def as_sqlite(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m', {inner})", params


class MonthKey(Func):
    """The month of a date as the one pass groups it (``every_grouping_with_flow``), cheaper
    than ``YearMonth`` per row: on SQLite '2026-03', the first seven characters of the ISO
    date it stores; on PostgreSQL the month's first day (``_month_text`` formats the few
    groups)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"CAST(date_trunc('month', {inner}) AS date)", params

    def as_sqlite(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        return f"substr({inner}, 1, 7)", params


class MonthNumber(Func):
    """SQLite: year * 12 + month of an ISO date (below 2^19 until the year 43,690)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        inner, params = compiler.compile(self.source_expressions[0])
        year, month = (f"CAST(substr({inner}, {at}, {n}) AS INTEGER)" for at, n in ((1, 4), (6, 2)))
        sql = f"({year} * 12 + {month})"
        return sql, [*params, *params]


# group_by -> (the key expression, the title of the grouping)
GROUPS = {
    "category": ("category_id", gettext_lazy("Category")),
    "reason_code": ("reason_code_id", gettext_lazy("Reason code")),
    "department": ("department_id", gettext_lazy("Department")),
    "root_cause": ("root_cause_id", gettext_lazy("Root cause")),
    "customer": ("customer_id", gettext_lazy("Customer")),
    "month": ("month", gettext_lazy("Month raised")),
}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP)


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


@dataclass(frozen=True)
class GroupStats:
    """The figures of one group. Shares are fractions (0.25 = 25%), None when nothing to
    divide by; days are rounded to a tenth."""

    key: int | str
    label: str
    count: int
    amount: Decimal
    resolved: int  # resolved or closed
    median_days: float | None  # raised_on -> resolved_at, resolved disputes only
    p90_days: float | None
    resolved_with_target: int
    resolved_on_time: int  # resolved on or before the target date
    judged: int  # settled with founded yes or no
    founded_count: int
    cash_days: Decimal  # sum of amount x days open (until resolution, or as_of)
    within_deadline: float | None = field(init=False)
    founded: float | None = field(init=False)

    def __post_init__(self):
        object.__setattr__(
            self, "within_deadline", _share(self.resolved_on_time, self.resolved_with_target)
        )
        object.__setattr__(self, "founded", _share(self.founded_count, self.judged))


@dataclass(frozen=True)
class Statistics:
    group_by: str | None
    filters: StatsFilters
    as_of: dt.date
    total: GroupStats
    rows: list[GroupStats]
    count: int | None = None  # groups in all, when a page of them was asked for
    limit: int | None = None
    offset: int = 0


def _resolved_on():
    """The local date of resolution: the stored ``resolved_on`` (set by the services), else
    (a row written around them, say by hand in SQL) converted from ``resolved_at``, on SQLite
    with the time zone's offsets over the years that such resolutions span (``local_date``).
    COALESCE evaluates the conversion only where the stored date is missing."""
    span = Dispute.objects.filter(resolved_at__isnull=False, resolved_on__isnull=True).aggregate(
        start=Min("resolved_at"), end=Max("resolved_at")
    )
    if span["start"] is None:
        return F("resolved_on")
    converted = LocalDate("resolved_at", start=span["start"], end=span["end"])
    return Coalesce("resolved_on", converted, output_field=DateField())


def _inner(queryset, keys: dict):
    """The disputes' values the statements read: the group keys (``keys``: name ->
    expression), then the figures' inputs."""
    resolved_on = _resolved_on()
    if isinstance(resolved_on, F):
        days = F("resolution_days")
    else:
        days = Coalesce(
            "resolution_days", DaysBetween(resolved_on, F("raised_on")), output_field=IntegerField()
        )
    return queryset.values(
        **keys,
        s_amount=F("disputed_total"),
        s_raised=F("raised_on"),
        s_target=F("target_date"),
        s_resolved=resolved_on,
        s_days=days,
        s_founded=F("founded"),
    )


def _key_expression(group_by: str | None):
    if group_by is None:
        return Value(NONE_KEY, output_field=IntegerField())
    if group_by == "month":
        return YearMonth("raised_on")
    return Coalesce(GROUPS[group_by][0], Value(NONE_KEY), output_field=IntegerField())


def _labels(group_by: str | None, keys: list) -> dict:
    """Key -> label, read once per grouping (customers in chunks, there may be many)."""
    if group_by in (None, "month"):
        return {key: str(key) for key in keys}
    ids = [key for key in keys if key != NONE_KEY]
    labels = {NONE_KEY: _("(none)")}
    if group_by == "customer":
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for pk, code, name in Customer.objects.filter(pk__in=chunk).values_list(
                "pk", "code", "name"
            ):
                labels[pk] = f"{name} ({code})"
        return labels
    if group_by == "reason_code":
        for pk, code, label in ReasonCode.objects.values_list("pk", "code", "label"):
            labels[pk] = f"{code} {label}"
        return labels
    model = {"category": Category, "department": Department, "root_cause": RootCause}[group_by]
    labels.update(model.objects.values_list("pk", "name"))
    return labels


def _row(raw: tuple, label: str) -> GroupStats:
    key, count, amount, resolved, with_target, on_time, judged, founded, cash, p50, p90 = raw
    return GroupStats(
        key=key,
        label=label,
        count=count,
        amount=_money(amount),
        resolved=int(resolved or 0),
        median_days=_days(p50),
        p90_days=_days(p90),
        resolved_with_target=int(with_target or 0),
        resolved_on_time=int(on_time or 0),
        judged=int(judged or 0),
        founded_count=int(founded or 0),
        cash_days=_money(cash),
    )


def _empty_total() -> GroupStats:
    return GroupStats(NONE_KEY, "", 0, Decimal("0.00"), 0, None, None, 0, 0, 0, 0, Decimal("0.00"))


def _rows(group_by: str | None, raw: list, labels: dict | None = None) -> list[GroupStats]:
    if labels is None:
        labels = _labels(group_by, [r[0] for r in raw])
    rows = [_row(r, labels.get(r[0]) or str(r[0])) for r in raw]
    if group_by == "month":
        rows.sort(key=lambda r: r.key)
    else:
        rows.sort(key=lambda r: (-r.amount, -r.count, r.label))
    return rows


def _total(total) -> GroupStats:
    if total:
        return _row((NONE_KEY, *total[1:]), _("Total"))
    return replace(_empty_total(), label=_("Total"))


def _customer_label(connection) -> tuple[str, str]:
    """The customers' table and their label ("name (code)", as ``_labels``) in SQL."""
    name, code = (connection.ops.quote_name(c) for c in ("name", "code"))
    label = f"labelled.{name} || ' (' || labelled.{code} || ')'"
    return connection.ops.quote_name(Customer._meta.db_table), label


def grouped_page(
    *,
    queryset,
    group_by: str | None,
    as_of: dt.date,
    limit: int | None = None,
    offset: int = 0,
    counted: bool = True,
) -> tuple[GroupStats, list[GroupStats], int]:
    """The total, the figures per group over an already scoped queryset of disputes, and the
    number of groups, in one statement. Rows come by amount, largest first (by month: in
    order); ``limit`` keeps the largest (from ``offset``). The customers (many groups) come
    ranked in SQL with their percentiles and labels (``ranked``; ``counted=False`` spares
    counting them), every other grouping (a dozen groups) from its counts per group and number
    of days (``sql``), sliced here."""
    inner = _inner(queryset, {"g": _key_expression(group_by)})
    if group_by == "customer":
        connection = connections[queryset.db]
        total, raw, count, labels = ranked_figures(
            inner,
            as_of=as_of,
            label=_customer_label(connection),
            limit=limit,
            offset=offset,
            counted=counted,
        )
        return _total(total), _rows(group_by, raw, labels), count
    total, raw = grouped_figures(inner, as_of=as_of, grouped=group_by is not None)
    rows = _rows(group_by, raw)
    if limit is not None:
        if group_by == "month":  # the largest months, in their order
            kept = sorted(rows, key=lambda r: (-r.amount, -r.count, r.label))[offset:][:limit]
            rows = [r for r in rows if r in kept]
        else:
            rows = rows[offset : offset + limit]
    elif offset:
        rows = rows[offset:]
    return _total(total), rows, len(raw)


def grouped_statistics(
    *, queryset, group_by: str | None, as_of: dt.date, limit: int | None = None
) -> tuple[GroupStats, list[GroupStats]]:
    """The total and the figures per group; ``limit`` keeps the largest groups, and one more
    so the caller knows there are more."""
    total, rows, _count = grouped_page(
        queryset=queryset,
        group_by=group_by,
        as_of=as_of,
        limit=None if limit is None else limit + 1,
        counted=False,
    )
    return total, rows


# The groupings ``every_grouping_statistics`` reads together; the last one (many groups) is
# kept to its largest groups.
ONE_PASS = ("category", "reason_code", "department", "root_cause", "month", "customer")


# The models of the one pass's small keys but the month (ids packed on SQLite, ``_pack``).
PACKED = {"category": Category, "reason_code": ReasonCode, "department": Department}
PACKED["root_cause"] = RootCause
PACK_BITS = 43  # the ids' bounds multiplied stay below 2^43, the month number takes 19 bits


def _pack(connection) -> dict:
    """SQLite: {"s_pack": one integer per combination of the one pass's small keys}, each id
    below the largest id of its table plus one (foreign keys hold them to it; none is 0),
    the month number last; {} on PostgreSQL, which hashes the keys themselves, or should the
    product of the bounds not fit in 63 bits."""
    if connection.vendor != "sqlite":
        return {}
    packed, bound = None, 1
    for group_by in ONE_PASS[:-1]:
        if group_by == "month":
            continue
        top = PACKED[group_by].objects.aggregate(top=Max("pk"))["top"] or 0
        key = _key_expression(group_by)
        packed = key if packed is None else packed * Value(top + 1) + key
        bound *= top + 1
    if bound >= 2**PACK_BITS:
        return {}
    return {"s_pack": packed * Value(2**19) + MonthNumber("raised_on")}


def _month_text(month) -> str:
    """'2026-03' from the one pass's month key (a date on PostgreSQL)."""
    return month if isinstance(month, str) else f"{month:%Y-%m}"


def every_grouping_statistics(
    *, user, filters: StatsFilters, limit: int
) -> tuple[GroupStats, dict[str, list[GroupStats]]]:
    """The total and the rows of every grouping (``GROUPS``, in its order), as
    ``dispute_statistics`` gives them one grouping at a time (the customers: the ``limit``
    largest, and one more), from one statement over the disputes (the insights page shows them
    all). The per-day counts of each group are kept, so the percentiles are the same."""
    total, rows, _flow = every_grouping_with_flow(user=user, filters=filters, limit=limit)
    return total, rows


def every_grouping_with_flow(
    *, user, filters: StatsFilters, limit: int, flow: tuple | None = None
) -> tuple[GroupStats, dict[str, list[GroupStats]], dict | None]:
    """As ``every_grouping_statistics``, and with ``flow`` (first day, last day), from the
    same read of the filtered disputes: those resolved between the two days per month of
    resolution and those still open after the as-of date (``sql.every_grouping_figures``:
    counts and unrounded amounts)."""
    as_of = filters.as_of or today()
    queryset = disputes_for_statistics(user=user, filters=filters)
    keys = {
        f"k{i}": MonthKey("raised_on") if group_by == "month" else _key_expression(group_by)
        for i, group_by in enumerate(ONE_PASS)
    }
    # The bounds of the packed ids and the statement read the same state of the tables.
    with transaction.atomic(using=queryset.db):
        pack = _pack(connections[queryset.db])
        found, flowed = every_grouping_figures(
            _inner(queryset, {**keys, **pack}),
            as_of=as_of,
            keys=len(ONE_PASS),
            limit=limit,
            flow=flow,
            packed=bool(pack),
        )
    by_grouping = dict(zip(ONE_PASS, found, strict=True))
    month_total, months = by_grouping["month"]
    by_grouping["month"] = (month_total, [(_month_text(r[0]), *r[1:]) for r in months])
    rows = {group_by: _rows(group_by, by_grouping[group_by][1]) for group_by in GROUPS}
    return _total(found[0][0]), rows, flowed


def dispute_statistics(
    *, user, group_by: str | None, filters: StatsFilters, limit: int | None = None
) -> Statistics:
    """The disputes ``user`` may see, filtered, grouped by ``group_by`` (a key of ``GROUPS``,
    or None for the total alone), with the total over all of them. ``limit`` keeps the groups
    of largest amount (the page shows the first 50 customers; exports take them all)."""
    if group_by is not None and group_by not in GROUPS:
        raise ValueError(f"Unknown grouping {group_by!r}.")
    as_of = filters.as_of or today()
    queryset = disputes_for_statistics(user=user, filters=filters)
    total, rows = grouped_statistics(queryset=queryset, group_by=group_by, as_of=as_of, limit=limit)
    return Statistics(group_by=group_by, filters=filters, as_of=as_of, total=total, rows=rows)


def dispute_statistics_page(
    *, user, group_by: str | None, filters: StatsFilters, limit: int, offset: int = 0
) -> Statistics:
    """As ``dispute_statistics``, one page of the groups: the ``limit`` groups from ``offset``
    in their order (by amount, largest first; by month: the months in order), with the number
    of groups in all (``count``). The API pages the 60,000 customers this way."""
    if group_by is not None and group_by not in GROUPS:
        raise ValueError(f"Unknown grouping {group_by!r}.")
    as_of = filters.as_of or today()
    queryset = disputes_for_statistics(user=user, filters=filters)
    if group_by == "month":  # a few rows, in the order of the months
        total, rows, count = grouped_page(queryset=queryset, group_by=group_by, as_of=as_of)
        rows = rows[offset : offset + limit]
    else:
        total, rows, count = grouped_page(
            queryset=queryset, group_by=group_by, as_of=as_of, limit=limit, offset=offset
        )
    if group_by is None:
        count = 0
    return Statistics(
        group_by=group_by,
        filters=filters,
        as_of=as_of,
        total=total,
        rows=rows,
        count=count,
        limit=limit,
        offset=offset,
    )
