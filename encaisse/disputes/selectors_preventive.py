"""Reads of preventive actions, scoped by user like disputes: collectors, credit managers and
read-only users see every action; a department member sees their department's and those they
own. ``access_preventive_action`` answers 404 alike for missing and not yours."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from encaisse.accounts.capabilities import VIEW_ALL_DISPUTES, VIEW_DISPUTES, has_capability

from .models_preventive import PENDING_ACTION_STATUSES, PreventiveAction


def actions_visible_to(user) -> QuerySet:
    if not has_capability(user, VIEW_DISPUTES):
        return PreventiveAction.objects.none()
    actions = PreventiveAction.objects.all()
    if has_capability(user, VIEW_ALL_DISPUTES):
        return actions
    mine = Q(owner=user)
    if user.department_id is not None:
        mine |= Q(department_id=user.department_id)
    return actions.filter(mine)


def access_preventive_action(user, action_id) -> PreventiveAction:
    found = (
        actions_visible_to(user)
        .select_related("root_cause", "dispute", "owner", "department")
        .filter(pk=action_id)
        .first()
    )
    if found is None:
        raise Http404("No such preventive action.")
    return found


def preventive_action_list(
    *,
    user,
    status: str | None = None,
    root_cause: str | None = None,
    owner_id: int | None = None,
    late_on: dt.date | None = None,
) -> QuerySet:
    """The actions ``user`` may see, filtered (``late_on``: pending and due before that day),
    late and pending ones first, then by due date."""
    actions = actions_visible_to(user).select_related(
        "root_cause", "dispute", "owner", "department"
    )
    if status:
        actions = actions.filter(status=status)
    if root_cause:
        actions = actions.filter(root_cause__code=root_cause)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    if late_on is not None:
        actions = actions.filter(status__in=PENDING_ACTION_STATUSES, due_on__lt=late_on)
    return actions


def action_history(action: PreventiveAction) -> QuerySet:
    return action.events.select_related("actor").order_by("at", "id")
