"""Shapes of the statistics and preventive action endpoints. Shares are fractions (0.25 is
25%), days have one decimal, amounts are decimals returned as strings."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from encaisse.receivables.schemas import MoneyOut

from .models_preventive import ActionKind, ActionStatus
from .schemas import UserRef

GroupBy = Literal["category", "reason_code", "department", "root_cause", "customer", "month"]


class StatsQuery(Schema):
    group_by: GroupBy | None = Field(None, description="Leave out for the total alone.")
    raised_from: dt.date | None = Field(None, description="Raised on or after this day.")
    raised_to: dt.date | None = Field(None, description="Raised on or before this day.")
    segment: str | None = Field(None, description="A customer segment's code.")
    department: str | None = Field(None, description="A department's code.")


class GroupStatsOut(Schema):
    key: int | str = Field(description="The id of the group (0: none), or the month YYYY-MM.")
    label: str
    count: int
    amount: MoneyOut
    resolved: int
    median_days: float | None = Field(description="Median days from raised to resolved.")
    p90_days: float | None = Field(description="90th percentile of the same.")
    resolved_with_target: int
    resolved_on_time: int
    within_deadline: float | None = Field(description="Share resolved by the target date.")
    judged: int
    founded_count: int
    founded: float | None = Field(description="Share of settled disputes found founded.")
    cash_days: MoneyOut = Field(description="Sum of amount x days open.")


class StatisticsOut(Schema):
    group_by: str | None
    as_of: dt.date
    total: GroupStatsOut
    rows: list[GroupStatsOut] = Field(
        description="One page of the groups: by amount, largest first (by month: in order)."
    )
    count: int = Field(description="How many groups in all (0 without a grouping).")
    limit: int
    offset: int


class ParetoOut(Schema):
    rank: int
    key: int
    label: str
    value: float
    share: float
    cumulative_share: float
    count: int
    amount: MoneyOut
    cash_days: MoneyOut


class TrendOut(Schema):
    key: int
    label: str
    action_done_on: dt.date
    actions_done: int
    before: int
    after: int
    before_days: int
    after_days: int
    before_per_30_days: float | None
    after_per_30_days: float | None


class ActionIn(Schema):
    root_cause: str = Field(description="The root cause's code.")
    description: str = Field(min_length=1)
    due_on: dt.date
    kind: ActionKind = ActionKind.PREVENTIVE
    owner_id: int | None = None
    department: str | None = Field(None, description="A department's code.")
    dispute_id: int | None = Field(None, description="The dispute the action comes from.")


class ActionPatch(Schema):
    """Any of the fields to change, and/or a status (with a comment; ``done_on`` for done)."""

    root_cause: str | None = None
    description: str | None = Field(None, min_length=1)
    due_on: dt.date | None = None
    kind: ActionKind | None = None
    owner_id: int | None = None
    department: str | None = None
    status: ActionStatus | None = None
    comment: str = ""
    done_on: dt.date | None = None


class ActionEventOut(Schema):
    type: str
    at: dt.datetime
    actor: UserRef | None
    from_status: str
    to_status: str
    comment: str
    data: dict


class ActionOut(Schema):
    id: int
    root_cause: str
    kind: str
    description: str
    owner: UserRef | None
    department: str | None
    due_on: dt.date
    status: str
    done_on: dt.date | None
    late: bool
    dispute_id: int | None
    dispute_number: str | None

    @staticmethod
    def resolve_root_cause(obj) -> str:
        return obj.root_cause.code

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.code if obj.department else None

    @staticmethod
    def resolve_late(obj) -> bool:
        from encaisse.core.dates import today

        return obj.is_late(today())

    @staticmethod
    def resolve_dispute_number(obj) -> str | None:
        return obj.dispute.number if obj.dispute else None


class ActionDetail(ActionOut):
    history: list[ActionEventOut]


class ActionFilters(Schema):
    status: ActionStatus | None = None
    root_cause: str | None = None
    owner_id: int | None = None
    late: bool = False
