"""Moving a dispute through its workflow (``workflow.TRANSITIONS``), commenting, handing over.

Each service locks the dispute row, checks the move, writes it, appends a DisputeEvent (who,
when, the comment) and an audit row, in one transaction. Resolving and closing resume dunning
after the grace days; reopening blocks the disputed amounts again."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.portal import emails as customer_emails

from ..choices import EventType, Outcome, Status
from ..models import Dispute
from ..workflow import QUALIFY, REOPEN_FROM, WORKING, check_transition
from .dunning import block_disputed_amounts, release_blocks, resume_after_grace
from .events import event_record
from .opening import default_owner, lock


def _move(*, actor, dispute: Dispute, to_status: str, comment: str, data=None) -> Dispute:
    previous, dispute.status = dispute.status, to_status
    dispute.save()
    event = event_record(
        dispute=dispute,
        actor=actor,
        type=EventType.TRANSITION,
        from_status=previous,
        to_status=to_status,
        comment=comment,
        data=data,
    )
    audit_record(
        actor=actor,
        action="transition",
        instance=dispute,
        changes={"status": {"from": previous, "to": to_status}},
    )
    # The customer's update email (solution proposed, resolved), after commit.
    customer_emails.on_dispute_moved(dispute, event)
    return dispute


@transaction.atomic
def dispute_transition(*, actor, dispute: Dispute, to_status: str, comment: str = "") -> Dispute:
    """Move between the working states (in progress, waiting for the customer, solution
    proposed). Qualifying, resolving, closing and reopening have their own services."""
    dispute = lock(dispute)
    check_transition(dispute.status, to_status)
    if to_status not in WORKING or (dispute.status, to_status) == QUALIFY:
        raise ValidationError(
            {"status": _("Use the qualify, resolve, close or reopen action for this move.")}
        )
    if dispute.status in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"status": _("Reopen the dispute, with a comment, to work on it.")})
    return _move(actor=actor, dispute=dispute, to_status=to_status, comment=comment.strip())


def _credit_note_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"credit_note_amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"credit_note_amount": _("The amount must be positive.")})
    return amount


@transaction.atomic
def dispute_resolve(
    *,
    actor,
    dispute: Dispute,
    outcome: str,
    founded: bool | None,
    root_cause=None,
    credit_note_number: str = "",
    credit_note_amount=None,
    comment: str = "",
) -> Dispute:
    """Record how the dispute ended: the outcome (with the credit note's number and amount when
    one was issued), the root cause and whether the customer was right. Dunning resumes on the
    disputed amounts after the grace days."""
    dispute = lock(dispute)
    check_transition(dispute.status, Status.RESOLVED)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if founded is None:
        raise ValidationError({"founded": _("Say whether the dispute was founded.")})
    if outcome == Outcome.REJECTED and founded:
        raise ValidationError({"founded": _("A dispute rejected as unfounded is not founded.")})
    if outcome != Outcome.WITHDRAWN and root_cause is None:
        raise ValidationError({"root_cause": _("Choose the root cause.")})
    number, amount = (credit_note_number or "").strip(), None
    if outcome == Outcome.CREDIT_NOTE:
        if not number:
            raise ValidationError({"credit_note_number": _("Give the credit note's number.")})
        amount = _credit_note_amount(credit_note_amount)
    dispute.outcome, dispute.founded, dispute.root_cause = outcome, founded, root_cause
    dispute.credit_note_number, dispute.credit_note_amount = number, amount
    dispute.resolution_set(timezone.now())
    resume_after_grace(actor=actor, dispute=dispute)
    return _move(
        actor=actor,
        dispute=dispute,
        to_status=Status.RESOLVED,
        comment=comment.strip(),
        data={
            "outcome": outcome,
            "founded": founded,
            "root_cause": root_cause.code if root_cause else None,
            "credit_note_number": number or None,
            "credit_note_amount": str(amount) if amount is not None else None,
        },
    )


@transaction.atomic
def dispute_close(*, actor, dispute: Dispute, comment: str = "") -> Dispute:
    """Close a resolved dispute (the grace blocks, if any, run to their end)."""
    dispute = lock(dispute)
    check_transition(dispute.status, Status.CLOSED)
    dispute.closed_at = timezone.now()
    return _move(actor=actor, dispute=dispute, to_status=Status.CLOSED, comment=comment.strip())


@transaction.atomic
def dispute_reopen(*, actor, dispute: Dispute, comment: str) -> Dispute:
    """Reopen a resolved or closed dispute: back in progress, its resolution cleared (kept in
    the event), dunning blocked again on the disputed amounts."""
    dispute = lock(dispute)
    comment = (comment or "").strip()
    if dispute.status not in REOPEN_FROM:
        raise ValidationError({"status": _("Only a resolved or closed dispute can be reopened.")})
    check_transition(dispute.status, Status.IN_PROGRESS)
    if not comment:
        raise ValidationError({"comment": _("Say why the dispute is reopened.")})
    previous = {
        "outcome": dispute.outcome,
        "founded": dispute.founded,
        "root_cause": dispute.root_cause.code if dispute.root_cause else None,
        "credit_note_number": dispute.credit_note_number or None,
        "resolved_at": dispute.resolved_at.isoformat() if dispute.resolved_at else None,
    }
    dispute.outcome, dispute.founded, dispute.root_cause = "", None, None
    dispute.credit_note_number, dispute.credit_note_amount = "", None
    dispute.resolution_set(None)
    dispute.closed_at = None
    release_blocks(actor=actor, dispute=dispute)
    block_disputed_amounts(actor=actor, dispute=dispute)
    return _move(
        actor=actor,
        dispute=dispute,
        to_status=Status.IN_PROGRESS,
        comment=comment,
        data={"reopened": True, "previous_resolution": previous},
    )


@transaction.atomic
def dispute_comment(*, actor, dispute: Dispute, comment: str):
    """Add a comment to the timeline (any state)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("The comment is empty.")})
    return event_record(dispute=dispute, actor=actor, type=EventType.COMMENT, comment=comment)


@transaction.atomic
def dispute_assign(
    *, actor, dispute: Dispute, department=None, owner=None, comment: str = ""
) -> Dispute:
    """Hand the dispute over to another department (its default owner unless ``owner`` is
    given) or to another owner."""
    dispute = lock(dispute)
    if not dispute.is_active:
        raise ValidationError({"status": _("Only an open dispute can be handed over.")})
    if department is None and owner is None:
        raise ValidationError({"department": _("Choose a department or an owner.")})
    before = {"department": str(dispute.department or ""), "owner": str(dispute.owner or "")}
    if department is not None:
        dispute.department = department
        dispute.owner = owner or default_owner(department)
    else:
        dispute.owner = owner
    dispute.save()
    after = {"department": str(dispute.department or ""), "owner": str(dispute.owner or "")}
    event_record(
        dispute=dispute,
        actor=actor,
        type=EventType.ASSIGNED,
        comment=(comment or "").strip(),
        data={"from": before, "to": after},
    )
    audit_record(
        actor=actor,
        action="assign",
        instance=dispute,
        changes={k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
    )
    return dispute
