"""Dispute statistics (issue 4, point 11): selectors the statistics page, its exports, the API
and the dashboards share. Everything is scoped by user (``disputes_visible_to``) and filtered
by ``StatsFilters``; results are plain dataclasses."""

from .filters import StatsFilters, disputes_for_statistics
from .groups import (
    GROUPS,
    NONE_KEY,
    GroupStats,
    Statistics,
    dispute_statistics,
    dispute_statistics_page,
)
from .pareto import ParetoRow, pareto, root_cause_pareto
from .trend import TrendRow, root_cause_trend

__all__ = [
    "GROUPS",
    "NONE_KEY",
    "GroupStats",
    "ParetoRow",
    "Statistics",
    "StatsFilters",
    "TrendRow",
    "dispute_statistics",
    "dispute_statistics_page",
    "disputes_for_statistics",
    "pareto",
    "root_cause_pareto",
    "root_cause_trend",
]
