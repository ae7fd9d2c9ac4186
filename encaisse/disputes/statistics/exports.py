"""The statistics tables as export columns and rows (``encaisse.core.exports``): the page's
CSV and Excel downloads. Shares are fractions (0.25 = 25 %), days have one decimal."""

from collections.abc import Iterator

from django.db import connections

from encaisse.core.dates import today
from encaisse.core.exports import INTEGER, MONEY, TEXT, Column

from .filters import StatsFilters, disputes_for_statistics
from .groups import (
    GroupStats,
    _customer_label,
    _days,
    _inner,
    _key_expression,
    _money,
    _share,
    _total,
    dispute_statistics,
)
from .pareto import ParetoRow
from .ranked import ranked_figures
from .trend import TrendRow

GROUP_COLUMNS = [
    Column("group", TEXT, 36),
    Column("disputes", INTEGER),
    Column("amount", MONEY),
    Column("resolved", INTEGER),
    Column("median_days", TEXT, 12),
    Column("p90_days", TEXT, 12),
    Column("within_deadline_share", TEXT, 12),
    Column("founded_share", TEXT, 12),
    Column("cash_days", MONEY, 16),
]
PARETO_COLUMNS = [
    Column("rank", INTEGER, 8),
    Column("root_cause", TEXT, 36),
    Column("value", TEXT),
    Column("share", TEXT, 10),
    Column("cumulative_share", TEXT, 10),
    Column("disputes", INTEGER),
    Column("amount", MONEY),
    Column("cash_days", MONEY, 16),
]
TREND_COLUMNS = [
    Column("root_cause", TEXT, 36),
    Column("action_done_on", TEXT, 12),
    Column("actions_done", INTEGER),
    Column("disputes_before", INTEGER),
    Column("disputes_after", INTEGER),
    Column("before_per_30_days", TEXT),
    Column("after_per_30_days", TEXT),
]


def group_rows(rows: list[GroupStats], total: GroupStats | None = None):
    for row in [*rows, *([total] if total else [])]:
        yield (
            row.label,
            row.count,
            row.amount,
            row.resolved,
            row.median_days,
            row.p90_days,
            row.within_deadline,
            row.founded,
            row.cash_days,
        )


def grouping_rows(*, user, group_by: str, filters: StatsFilters) -> Iterator[tuple]:
    """Every group of ``group_by`` then the total, as ``group_rows`` gives them. The customers
    (60,000 in the benchmark) are read in one statement, ranked in SQL (amount, then count,
    then customer id), and turned into export rows one at a time as the download is written,
    without a ``GroupStats`` each."""
    if group_by != "customer":
        stats = dispute_statistics(user=user, group_by=group_by, filters=filters)
        return group_rows(stats.rows, stats.total)
    queryset = disputes_for_statistics(user=user, filters=filters)
    inner = _inner(queryset, {"g": _key_expression(group_by)})
    total, raw, _count, labels = ranked_figures(
        inner,
        as_of=filters.as_of or today(),
        label=_customer_label(connections[queryset.db]),
    )
    return _customer_rows(raw, labels, _total(total))


def _customer_rows(raw: list, labels: dict, total: GroupStats) -> Iterator[tuple]:
    for key, count, amount, resolved, with_target, on_time, judged, founded, cash, p50, p90 in raw:
        yield (
            labels.get(key) or str(key),
            count,
            _money(amount),
            int(resolved or 0),
            _days(p50),
            _days(p90),
            _share(int(on_time or 0), int(with_target or 0)),
            _share(int(founded or 0), int(judged or 0)),
            _money(cash),
        )
    yield from group_rows([], total)


def pareto_rows(rows: list[ParetoRow]):
    for row in rows:
        yield (
            row.rank,
            row.label,
            row.value,
            row.share,
            row.cumulative_share,
            row.count,
            row.amount,
            row.cash_days,
        )


def trend_rows(rows: list[TrendRow]):
    for row in rows:
        yield (
            row.label,
            row.action_done_on.isoformat(),
            row.actions_done,
            row.before,
            row.after,
            row.before_per_30_days,
            row.after_per_30_days,
        )
