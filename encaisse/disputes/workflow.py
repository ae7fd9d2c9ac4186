"""The dispute workflow as data: which status may follow which, and the refusal message.

Services (``services/transitions.py``) are the only writers of ``Dispute.status``; each asks
``check_transition`` first. Qualifying needs a reason code, resolving an outcome, reopening a
comment: those have their own services; the plain moves between working states go through
``dispute_transition``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import Status

WORKING = {Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.SOLUTION_PROPOSED}

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.QUALIFIED},
    Status.QUALIFIED: WORKING | {Status.RESOLVED},
    Status.IN_PROGRESS: (WORKING - {Status.IN_PROGRESS}) | {Status.RESOLVED},
    Status.WAITING_CUSTOMER: (WORKING - {Status.WAITING_CUSTOMER}) | {Status.RESOLVED},
    Status.SOLUTION_PROPOSED: (WORKING - {Status.SOLUTION_PROPOSED}) | {Status.RESOLVED},
    # Reopening goes back to work.
    Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}

# Moves that carry data of their own and have their own service.
QUALIFY = (Status.NEW, Status.QUALIFIED)
REOPEN_FROM = {Status.RESOLVED, Status.CLOSED}


def allowed_next(status: str) -> list[str]:
    """The statuses a dispute in ``status`` may move to, in workflow order."""
    order = list(Status.values)
    return sorted(TRANSITIONS.get(status, set()), key=order.index)


def check_transition(current: str, target: str) -> None:
    """Raise a ValidationError on ``status`` naming both states when the move is not allowed."""
    if target not in Status.values:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": target}})
    if target not in TRANSITIONS.get(current, set()):
        allowed = ", ".join(str(Status(s).label) for s in allowed_next(current)) or "-"
        raise ValidationError(
            {
                "status": _(
                    "A dispute cannot go from “%(current)s” to “%(target)s”; "
                    "allowed next: %(allowed)s."
                )
                % {
                    "current": Status(current).label,
                    "target": Status(target).label,
                    "allowed": allowed,
                }
            }
        )
