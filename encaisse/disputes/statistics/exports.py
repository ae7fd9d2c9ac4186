"""The statistics tables as export columns and rows (``encaisse.core.exports``): the page's
CSV and Excel downloads. Shares are fractions (0.25 = 25 %), days have one decimal."""

from encaisse.core.exports import INTEGER, MONEY, TEXT, Column

from .groups import GroupStats
from .pareto import ParetoRow
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
