"""Writes of preventive and corrective actions (issue 4, point 9).

Each service runs in one transaction and appends a ``PreventiveActionEvent`` and an audit row.
Called by the preventive action pages and the API; permissions (``work_disputes``, the
department of a department member) are checked by the caller through the selectors."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record, diff, snapshot
from encaisse.core.dates import today

from ..models_preventive import (
    ACTION_TRANSITIONS,
    ActionKind,
    ActionStatus,
    PreventiveAction,
    PreventiveActionEvent,
)

EDITABLE = ("root_cause", "kind", "description", "owner", "department", "due_on")


def _event(*, action, actor, type, comment="", from_status="", to_status="", data=None):
    return PreventiveActionEvent.objects.create(
        action=action,
        type=type,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        comment=comment,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def _check(action: PreventiveAction) -> None:
    if not (action.description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})
    if action.root_cause_id is None:
        raise ValidationError({"root_cause": _("Choose the root cause.")})
    if not isinstance(action.due_on, dt.date):
        raise ValidationError({"due_on": _("Give a due date.")})
    if action.kind not in ActionKind.values:
        raise ValidationError({"kind": _("Choose corrective or preventive.")})
    if action.owner_id is not None and not action.owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active user.")})


@transaction.atomic
def preventive_action_create(
    *,
    actor,
    root_cause,
    description: str,
    due_on: dt.date,
    kind: str = ActionKind.PREVENTIVE,
    owner=None,
    department=None,
    dispute=None,
) -> PreventiveAction:
    """Record an action against ``root_cause``, from a resolved dispute (``dispute``) or from
    the statistics. The department defaults to the owner's, then the dispute's."""
    if department is None:
        department = getattr(owner, "department", None) or getattr(dispute, "department", None)
    action = PreventiveAction(
        root_cause=root_cause,
        dispute=dispute,
        kind=kind,
        description=(description or "").strip(),
        owner=owner,
        department=department,
        due_on=due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _check(action)
    action.save()
    _event(
        action=action,
        actor=actor,
        type=PreventiveActionEvent.Type.CREATED,
        to_status=action.status,
        data={"dispute": dispute.number if dispute else None},
    )
    audit_record(
        actor=actor,
        action="create",
        instance=action,
        changes=snapshot(action, EDITABLE),
    )
    return action


def _lock(action: PreventiveAction) -> PreventiveAction:
    return (
        PreventiveAction.objects.select_for_update(of=("self",))
        .select_related("owner")
        .get(pk=action.pk)
    )


@transaction.atomic
def preventive_action_update(*, actor, action: PreventiveAction, **changes) -> PreventiveAction:
    """Change what the action is (``EDITABLE`` fields); the status has its own service."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    action = _lock(action)
    before = snapshot(action, EDITABLE)
    for name, value in changes.items():
        setattr(action, name, value.strip() if name == "description" else value)
    _check(action)
    changed = diff(before, snapshot(action, EDITABLE))
    if not changed:
        return action
    action.save()
    _event(action=action, actor=actor, type=PreventiveActionEvent.Type.UPDATED, data=changed)
    audit_record(actor=actor, action="update", instance=action, changes=changed)
    return action


@transaction.atomic
def preventive_action_set_status(
    *,
    actor,
    action: PreventiveAction,
    status: str,
    comment: str = "",
    done_on: dt.date | None = None,
) -> PreventiveAction:
    """Move the action (open, in progress, done, cancelled; done and cancelled reopen). Done
    records the day it was done (today unless given): the statistics compare the disputes of
    its root cause before and after that day."""
    action = _lock(action)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status not in ACTION_TRANSITIONS[action.status]:
        raise ValidationError(
            {
                "status": _("An action that is %(from)s cannot become %(to)s.")
                % {
                    "from": ActionStatus(action.status).label.lower(),
                    "to": ActionStatus(status).label.lower(),
                }
            }
        )
    comment = (comment or "").strip()
    if status == ActionStatus.CANCELLED and not comment:
        raise ValidationError({"comment": _("Say why the action is cancelled.")})
    if status == ActionStatus.DONE:
        done_on = done_on or today()
        if done_on > today():
            raise ValidationError({"done_on": _("An action cannot be done in the future.")})
    previous = action.status
    action.status = status
    action.done_on = done_on if status == ActionStatus.DONE else None
    action.save()
    _event(
        action=action,
        actor=actor,
        type=PreventiveActionEvent.Type.STATUS,
        from_status=previous,
        to_status=status,
        comment=comment,
        data={"done_on": action.done_on.isoformat()} if action.done_on else None,
    )
    audit_record(
        actor=actor,
        action="transition",
        instance=action,
        changes={"status": {"from": previous, "to": status}},
    )
    return action
