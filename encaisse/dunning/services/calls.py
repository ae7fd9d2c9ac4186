"""What people do with dunning actions: record a call's outcome, approve or reject an action
waiting for approval, record a manual action or a note. Called by the worklist pages and the
API; each write is one transaction with an ActionEvent (who, when) and an audit row.

What follows a call outcome (the rules the README documents):

- reached, no commitment: the call is done; the scenario goes on at its next step.
- not reached: the call is done; a new call on the next day, same invoices, same collector.
- payment confirmed (a date, an amount: the call's total by default): the call is done and a
  promise to pay is recorded on the call's open invoices, which pauses their dunning until the
  date plus grace days; the run then settles the promise (a broken one brings a priority call).
- problem reported: the call is done; the page offers to open a dispute prefilled with the
  customer and the invoices (the disputes feature blocks their dunning).
- call back on a date: the call is done; a new call on that date, same invoices and collector.
- wrong contact: the call is done; an internal task for today asks the collector to find the
  right contact and call again."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.core.dates import today
from encaisse.receivables.choices import InvoiceStatus

from ..choices import ActionSource, ActionStatus, CallOutcome, Channel, EventKind, Priority
from ..models import Action, ActionEvent, ActionInvoice
from .promises import promise_record

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.AWAITING_APPROVAL)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _follow_up(*, action: Action, actor, channel: str, due_on: dt.date, notes: str) -> Action:
    """A new action like ``action`` (same customer, collector, invoices still open)."""
    follow = Action.objects.create(
        customer_id=action.customer_id,
        source=ActionSource.MANUAL,
        step_id=action.step_id,
        channel=channel,
        template_code=action.template_code if channel == action.channel else "",
        status=ActionStatus.PLANNED,
        priority=action.priority,
        assigned_to_id=action.assigned_to_id,
        due_on=due_on,
        total=action.total,
        notes=notes,
        created_by=_user(actor),
    )
    lines = [
        ActionInvoice(
            action=follow,
            invoice_id=line.invoice_id,
            step_id=line.step_id,
            amount_due=line.amount_due,
        )
        for line in action.lines.filter(invoice__status=InvoiceStatus.OPEN)
    ]
    ActionInvoice.objects.bulk_create(lines)
    follow.total = sum((line.amount_due for line in lines), start=follow.total * 0)
    follow.save(update_fields=["total"])
    return follow


@transaction.atomic
def call_outcome_record(
    *,
    actor,
    action: Action,
    outcome: str,
    notes: str = "",
    promised_on: dt.date | None = None,
    promised_amount=None,
    call_back_on: dt.date | None = None,
) -> ActionEvent:
    """Close the call ``action`` with ``outcome`` and do what follows from it (module
    docstring). Returns the event, whose ``data`` names the promise or follow-up created."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.channel != Channel.CALL:
        raise ValidationError({"outcome": _("Only a phone call has an outcome.")})
    if action.status not in OPEN_STATUSES:
        raise ValidationError({"outcome": _("This call is already closed.")})
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": _("Unknown call outcome.")})
    data: dict = {}
    if outcome == CallOutcome.PAYMENT_CONFIRMED:
        if promised_on is None:
            raise ValidationError({"promised_on": _("Enter the promised payment date.")})
        if promised_on < today():
            raise ValidationError({"promised_on": _("The promised date is in the past.")})
        invoices = [
            line.invoice
            for line in action.lines.select_related("invoice")
            if line.invoice.status == InvoiceStatus.OPEN
        ]
        if not invoices:
            raise ValidationError({"outcome": _("No invoice of this call is still open.")})
        amount = promised_amount if promised_amount not in (None, "") else action.total
        promise = promise_record(
            actor=actor,
            customer=action.customer,
            invoices=invoices,
            amount=amount,
            promised_on=promised_on,
            channel=Channel.CALL,
            notes=notes,
        )
        data = {"promise_id": promise.pk}
    elif outcome == CallOutcome.CALL_BACK:
        if call_back_on is None:
            raise ValidationError({"call_back_on": _("Enter the date to call back.")})
        if call_back_on < today():
            raise ValidationError({"call_back_on": _("The call-back date is in the past.")})
        follow = _follow_up(
            action=action, actor=actor, channel=Channel.CALL, due_on=call_back_on, notes=notes
        )
        data = {"follow_up_id": follow.pk}
    elif outcome == CallOutcome.NOT_REACHED:
        follow = _follow_up(
            action=action,
            actor=actor,
            channel=Channel.CALL,
            due_on=today() + dt.timedelta(days=1),
            notes=_("Not reached: call again."),
        )
        data = {"follow_up_id": follow.pk}
    elif outcome == CallOutcome.WRONG_CONTACT:
        follow = _follow_up(
            action=action,
            actor=actor,
            channel=Channel.INTERNAL_TASK,
            due_on=today(),
            notes=_("Wrong contact: find the right person and call again."),
        )
        data = {"follow_up_id": follow.pk}
    now = timezone.now()
    action.status = ActionStatus.DONE
    action.outcome = outcome
    action.done_at = now
    action.done_by = _user(actor)
    if notes:
        action.notes = f"{action.notes}\n{notes}".strip()
    action.save(update_fields=["status", "outcome", "done_at", "done_by", "notes"])
    event = ActionEvent.objects.create(
        customer_id=action.customer_id,
        action=action,
        kind=EventKind.OUTCOME,
        outcome=outcome,
        actor=_user(actor),
        at=now,
        notes=notes,
        data=data,
    )
    audit_record(
        actor=actor,
        action="call_outcome",
        instance=action,
        changes={
            "status": {"from": "planned", "to": "done"},
            "outcome": {"from": "", "to": outcome},
        },
    )
    return event


@transaction.atomic
def action_approval_record(*, actor, action: Action, approved: bool, notes: str = "") -> Action:
    """Approve (it goes out: planned) or reject (cancelled) an action awaiting approval.
    Sending is the correspondence feature's business."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.AWAITING_APPROVAL:
        raise ValidationError({"status": _("This action is not awaiting approval.")})
    now = timezone.now()
    if approved:
        action.status = ActionStatus.PLANNED
        action.approved_at, action.approved_by = now, _user(actor)
    else:
        action.status = ActionStatus.CANCELLED
    action.save(update_fields=["status", "approved_at", "approved_by"])
    ActionEvent.objects.create(
        customer_id=action.customer_id,
        action=action,
        kind=EventKind.APPROVED if approved else EventKind.REJECTED,
        actor=_user(actor),
        at=now,
        notes=notes,
    )
    audit_record(
        actor=actor,
        action="approve" if approved else "reject",
        instance=action,
        changes={"status": {"from": ActionStatus.AWAITING_APPROVAL, "to": action.status}},
    )
    return action


@transaction.atomic
def action_manual_create(
    *,
    actor,
    customer,
    channel: str,
    invoices=(),
    due_on: dt.date | None = None,
    done: bool = True,
    notes: str = "",
    assigned_to=None,
) -> Action:
    """Record a manual action: one done by hand (``done``: a call made, an email sent from a
    mailbox) or one to do (planned on ``due_on``), on some open invoices of ``customer``."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    ids = sorted({getattr(invoice, "pk", invoice) for invoice in invoices})
    found = list(customer.invoices.filter(pk__in=ids, status=InvoiceStatus.OPEN))
    if len(found) != len(ids):
        raise ValidationError({"invoices": _("Only open invoices of this customer can be listed.")})
    if not done and due_on is None:
        raise ValidationError({"due_on": _("Enter the date of the action.")})
    now = timezone.now()
    action = Action.objects.create(
        customer=customer,
        source=ActionSource.MANUAL,
        channel=channel,
        status=ActionStatus.DONE if done else ActionStatus.PLANNED,
        priority=Priority.NORMAL,
        assigned_to=assigned_to or _user(actor),
        due_on=due_on or today(),
        total=sum((invoice.open_amount for invoice in found), start=0),
        notes=notes,
        created_by=_user(actor),
        done_at=now if done else None,
        done_by=_user(actor) if done else None,
    )
    ActionInvoice.objects.bulk_create(
        ActionInvoice(action=action, invoice=invoice, amount_due=invoice.open_amount)
        for invoice in found
        if invoice.open_amount > 0
    )
    ActionEvent.objects.create(
        customer=customer,
        action=action,
        kind=EventKind.MANUAL,
        actor=_user(actor),
        at=now,
        notes=notes,
    )
    audit_record(
        actor=actor,
        action="create",
        instance=action,
        changes={"channel": {"from": None, "to": channel}},
    )
    return action


@transaction.atomic
def customer_note_add(*, actor, customer, notes: str) -> ActionEvent:
    """A note on the customer's timeline."""
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": _("The note is empty.")})
    event = ActionEvent.objects.create(
        customer=customer, kind=EventKind.NOTE, actor=_user(actor), at=timezone.now(), notes=notes
    )
    audit_record(
        actor=actor, action="note", instance=customer, changes={"note": {"from": None, "to": notes}}
    )
    return event
