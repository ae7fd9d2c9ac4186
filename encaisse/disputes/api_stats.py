"""Statistics and preventive action endpoints:

- ``GET /disputes/statistics?group_by=...`` with the period, segment and department filters,
  one page of the groups (``limit``, ``offset``: there are 60,000 customers) and their count,
  ``GET /disputes/statistics/pareto?by=amount|count`` and ``GET
  /disputes/statistics/preventive-trend``: the selectors of ``disputes.statistics``;
- ``GET``/``POST /disputes/preventive-actions``, ``GET``/``PATCH
  /disputes/preventive-actions/{id}``.

Reads need ``view_disputes`` and are scoped like disputes (a department member: their
department's); writes need ``work_disputes``. A department member's actions are their
department's whatever the body says."""

from django.contrib.auth import get_user_model
from ninja import Query, Router, Status

from encaisse.accounts.capabilities import (
    VIEW_ALL_DISPUTES,
    VIEW_DISPUTES,
    WORK_DISPUTES,
    has_capability,
)
from encaisse.accounts.models import Department
from encaisse.api.access import require
from encaisse.api.errors import error_responses, invalid_field
from encaisse.core.dates import today

from .models import RootCause
from .schemas_stats import (
    ActionDetail,
    ActionFilters,
    ActionIn,
    ActionOut,
    ActionPatch,
    ParetoOut,
    StatisticsOut,
    StatsQuery,
    TrendOut,
)
from .selectors import access_dispute
from .selectors_preventive import access_preventive_action, action_history, preventive_action_list
from .services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
    preventive_action_update,
)
from .statistics import (
    StatsFilters,
    dispute_statistics_page,
    root_cause_pareto,
    root_cause_trend,
)

router = Router(tags=["dispute statistics and preventive actions"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 422)
MAX_LIMIT = 500
STATS_LIMIT = 100  # groups per page of statistics by default
STATS_MAX_LIMIT = 1000


def _filters(query: StatsQuery) -> StatsFilters:
    return StatsFilters(
        raised_from=query.raised_from,
        raised_to=query.raised_to,
        segment=query.segment or None,
        department=query.department or None,
    )


@router.get(
    "/disputes/statistics",
    response={200: StatisticsOut, **READ_ERRORS},
    summary="Dispute statistics, grouped",
)
def statistics_get(
    request,
    query: Query[StatsQuery],
    limit: int = Query(STATS_LIMIT, ge=1, le=STATS_MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """Count, amount, median and 90th percentile of the resolution time (days from raised to
    resolved), share resolved within the deadline, share founded and cash-days frozen, per
    category, reason code, department, root cause, customer or month raised, with the total.
    Over the disputes you may see. The groups come a page at a time, largest amount first (by
    month: in order): ``limit`` groups (100 unless said, at most 1,000) from ``offset``;
    ``count`` says how many there are. The statistics page's export has them all."""
    require(request, VIEW_DISPUTES)
    return dispute_statistics_page(
        user=request.user,
        group_by=query.group_by,
        filters=_filters(query),
        limit=limit,
        offset=offset,
    )


@router.get(
    "/disputes/statistics/pareto",
    response={200: list[ParetoOut], **READ_ERRORS},
    summary="Pareto of root causes",
)
def pareto_get(
    request, query: Query[StatsQuery], by: str = Query("amount", pattern="^(amount|count)$")
):
    """Root causes by amount or count, largest first, with their share and cumulative
    share (``group_by`` is ignored)."""
    require(request, VIEW_DISPUTES)
    return root_cause_pareto(user=request.user, filters=_filters(query), by=by)


@router.get(
    "/disputes/statistics/preventive-trend",
    response={200: list[TrendOut], **READ_ERRORS},
    summary="Disputes per root cause before and after its first done preventive action",
)
def trend_get(request, query: Query[StatsQuery]):
    require(request, VIEW_DISPUTES)
    return root_cause_trend(user=request.user, filters=_filters(query))


def _cause(code, field):
    found = RootCause.objects.filter(code=code).first()
    if found is None:
        raise invalid_field(field, f"Unknown root cause {code!r}.")
    return found


def _owner(user_id, field):
    if user_id is None:
        return None
    found = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise invalid_field(field, "No active user with this id.")
    return found


def _department(request, code, field):
    if not has_capability(request.user, VIEW_ALL_DISPUTES):
        return request.user.department
    if not code:
        return None
    found = Department.objects.filter(code=code).first()
    if found is None:
        raise invalid_field(field, f"Unknown department {code!r}.")
    return found


def _detail(user, action_id):
    action = access_preventive_action(user, action_id)
    action.history = list(action_history(action))
    return action


@router.get(
    "/disputes/preventive-actions",
    response={200: list[ActionOut], **READ_ERRORS},
    summary="List preventive and corrective actions",
)
def actions_get(
    request, filters: Query[ActionFilters], limit: int = Query(100, ge=1, le=MAX_LIMIT)
):
    """The actions you may see, by due date; ``late`` keeps pending ones past their due date."""
    require(request, VIEW_DISPUTES)
    actions = preventive_action_list(
        user=request.user,
        status=filters.status,
        root_cause=filters.root_cause,
        owner_id=filters.owner_id,
        late_on=today() if filters.late else None,
    ).order_by("due_on", "id")
    return list(actions[:limit])


@router.post(
    "/disputes/preventive-actions",
    response={201: ActionDetail, **WRITE_ERRORS},
    summary="Record a preventive or corrective action",
)
def actions_post(request, payload: ActionIn):
    require(request, WORK_DISPUTES)
    dispute = (
        access_dispute(request.user, payload.dispute_id) if payload.dispute_id is not None else None
    )
    action = preventive_action_create(
        actor=request.user,
        root_cause=_cause(payload.root_cause, "body.root_cause"),
        description=payload.description,
        due_on=payload.due_on,
        kind=payload.kind,
        owner=_owner(payload.owner_id, "body.owner_id"),
        department=_department(request, payload.department, "body.department"),
        dispute=dispute,
    )
    return Status(201, _detail(request.user, action.pk))


@router.get(
    "/disputes/preventive-actions/{int:action_id}",
    response={200: ActionDetail, **READ_ERRORS},
    summary="Get a preventive action with its history",
)
def action_get(request, action_id: int):
    require(request, VIEW_DISPUTES)
    return _detail(request.user, action_id)


@router.patch(
    "/disputes/preventive-actions/{int:action_id}",
    response={200: ActionDetail, **WRITE_ERRORS},
    summary="Change a preventive action or its status",
)
def action_patch(request, action_id: int, payload: ActionPatch):
    """Fields given are changed; ``status`` moves the action (open, in progress, done,
    cancelled: a comment is needed to cancel; ``done_on`` defaults to today)."""
    require(request, WORK_DISPUTES)
    action = access_preventive_action(request.user, action_id)
    given = payload.model_dump(exclude_unset=True)
    changes = {}
    if "root_cause" in given:
        changes["root_cause"] = _cause(payload.root_cause, "body.root_cause")
    for name in ("description", "due_on", "kind"):
        if given.get(name) is not None:
            changes[name] = given[name]
    if "owner_id" in given:
        changes["owner"] = _owner(payload.owner_id, "body.owner_id")
    if "department" in given and has_capability(request.user, VIEW_ALL_DISPUTES):
        changes["department"] = _department(request, payload.department, "body.department")
    if changes:
        action = preventive_action_update(actor=request.user, action=action, **changes)
    if payload.status is not None and payload.status != action.status:
        preventive_action_set_status(
            actor=request.user,
            action=action,
            status=payload.status,
            comment=payload.comment,
            done_on=payload.done_on,
        )
    return _detail(request.user, action_id)
