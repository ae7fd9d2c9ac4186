"""The Pareto of root causes: causes by amount (or count), largest first, each with its share
and the cumulative share, so the few causes behind most of the disputes stand out. Disputes
without a root cause (not resolved yet) are left out."""

from dataclasses import dataclass
from decimal import Decimal

from .filters import StatsFilters, disputes_for_statistics
from .groups import NONE_KEY, GroupStats, grouped_statistics

BY = ("amount", "count")


@dataclass(frozen=True)
class ParetoRow:
    rank: int
    key: int
    label: str
    value: Decimal | int
    share: float  # of the total over all causes, 0..1
    cumulative_share: float
    count: int
    amount: Decimal
    cash_days: Decimal


def pareto(rows: list[GroupStats], *, by: str = "amount") -> list[ParetoRow]:
    """A pure function over root cause rows (``GroupStats``), for tests and dashboards."""
    if by not in BY:
        raise ValueError(f"Unknown Pareto measure {by!r}.")
    causes = [r for r in rows if r.key != NONE_KEY]
    causes.sort(key=lambda r: (-getattr(r, by), r.label))
    whole = sum((getattr(r, by) for r in causes), Decimal(0) if by == "amount" else 0)
    result, running = [], 0
    for rank, row in enumerate(causes, start=1):
        value = getattr(row, by)
        running += value
        result.append(
            ParetoRow(
                rank=rank,
                key=row.key,
                label=row.label,
                value=value,
                share=round(float(value / whole), 4) if whole else 0.0,
                cumulative_share=round(float(running / whole), 4) if whole else 0.0,
                count=row.count,
                amount=row.amount,
                cash_days=row.cash_days,
            )
        )
    return result


def root_cause_pareto(*, user, filters: StatsFilters, by: str = "amount") -> list[ParetoRow]:
    from encaisse.core.dates import today

    queryset = disputes_for_statistics(user=user, filters=filters)
    _total, rows = grouped_statistics(
        queryset=queryset, group_by="root_cause", as_of=filters.as_of or today()
    )
    return pareto(rows, by=by)
