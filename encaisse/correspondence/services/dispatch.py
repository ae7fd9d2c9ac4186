"""Dispatch of dunning actions: an email action becomes an outbox row, a letter or formal
notice action a stored PDF (Letter). Actions that need approval go out once approved.

Called after the run's commit by the worker's tick (``tasks.correspondence_tick`` dispatches
every planned email, letter and formal-notice action not dispatched yet), and by
``action_approve``. Never twice: an email's idempotency key (action and recipient) and a
letter's one-to-one link to its action are unique in the database, so two dispatchers racing
for the same action end with one row, the loser's insert rolled back."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.core.dates import today as local_today
from encaisse.core.pdf import html_to_pdf
from encaisse.dunning.choices import ActionStatus, Channel
from encaisse.dunning.models import Action
from encaisse.dunning.services import action_approval_record

from ..models import Letter, OutboxMessage
from ..rendering import (
    Line,
    TemplateError,
    billing_contact,
    build_context,
    render_email,
    render_letter_html,
    render_statement_html,
    set_disputed_amounts,
)
from ..selectors import template_for

logger = logging.getLogger(__name__)

DISPATCHED_CHANNELS = {Channel.EMAIL, Channel.LETTER, Channel.FORMAL_NOTICE}


def action_lines(action: Action, *, today: dt.date) -> list[Line]:
    """The action's invoices with the amount it asks for and the part in dispute left out."""
    lines = action.lines.select_related("invoice").order_by("invoice__due_date", "invoice__number")
    return set_disputed_amounts(
        [
            Line(
                invoice_id=line.invoice_id,
                number=line.invoice.number,
                issue_date=line.invoice.issue_date,
                due_date=line.invoice.due_date,
                amount=line.invoice.amount,
                amount_due=line.amount_due,
                days_late=max((today - line.invoice.due_date).days, 0),
            )
            for line in lines
        ],
        on=today,
    )


def action_dispatch(*, action: Action, actor=None, today: dt.date | None = None):
    """Send out a planned email, letter or formal-notice action: returns its OutboxMessage or
    Letter (the existing one when it was already dispatched), None for other channels.

    An email goes to the billing contact's address, else the customer's, in the contact's
    language, else the customer's, with the statement of its invoices as a PDF; a customer
    without any address gets a letter instead. Refuses an action awaiting approval or
    cancelled (ValidationError)."""
    if action.channel not in DISPATCHED_CHANNELS:
        return None
    existing = _existing(action)
    if existing is not None:
        return existing
    if action.status != ActionStatus.PLANNED:
        raise ValidationError(
            _("Only a planned action can be sent (this one is %(status)s).")
            % {"status": action.get_status_display()}
        )
    today = today or local_today()
    customer = action.customer
    contact = billing_contact(customer)
    language = (contact.language if contact and contact.language else "") or customer.language
    address = (contact.email if contact and contact.email else "") or customer.email
    channel = action.channel
    if channel == Channel.EMAIL and not address:
        channel = Channel.LETTER  # nowhere to send it: print it
    context = build_context(
        customer=customer,
        contact=contact,
        lines=action_lines(action, today=today),
        today=today,
        with_penalties=channel == Channel.FORMAL_NOTICE and action.include_penalties,
    )
    template = template_for(code=action.template_code, channel=channel, language=language)
    try:
        with transaction.atomic():
            if channel == Channel.EMAIL:
                result = _queue_email(action, template, context, address)
            else:
                result = _store_letter(action, template, context, channel)
            audit_record(
                actor=actor,
                action="dispatch",
                instance=action,
                changes={"channel": channel, "template": template.code, "language": language},
            )
    except IntegrityError:
        # Another dispatcher got there first: its row is the one.
        return _existing(action)
    return result


def _existing(action: Action):
    letter = Letter.objects.filter(action=action).first()
    return letter or OutboxMessage.objects.filter(action=action).order_by("pk").first()


def _queue_email(action, template, context, address) -> OutboxMessage:
    subject, text, html = render_email(template, context)
    statement = html_to_pdf(render_statement_html(context, language=template.language))
    return OutboxMessage.objects.create(
        action=action,
        customer=action.customer,
        template_code=template.code,
        idempotency_key=f"action:{action.pk}:{address.lower()}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipients=[address],
        language=template.language,
        subject=subject,
        body_text=text,
        body_html=html,
        attachment_name=f"{_('statement')}-{action.customer.code}.pdf",
        attachment=statement,
        next_attempt_at=timezone.now(),
    )


def _store_letter(action, template, context, channel) -> Letter:
    subject, html = render_letter_html(template, context, channel=channel)
    now = timezone.now()
    letter = Letter.objects.create(
        action=action,
        customer=action.customer,
        channel=channel,
        template_code=template.code,
        language=template.language,
        subject=subject,
        total=context["total"],
        html=html,
        pdf=html_to_pdf(html),
    )
    Action.objects.filter(pk=action.pk, status=ActionStatus.PLANNED).update(
        status=ActionStatus.DONE, done_at=now
    )
    return letter


def action_approve(*, action: Action, actor) -> Action:
    """Approve an action awaiting approval (a formal notice, a handover to legal) and send it
    out at once when it is an email, letter or formal notice. The approval itself (row lock,
    timeline event, audit) is the dunning service's; any other state is refused there."""
    with transaction.atomic():
        action = action_approval_record(actor=actor, action=action, approved=True)
        if action.channel in DISPATCHED_CHANNELS:
            transaction.on_commit(lambda: _dispatch_logged(action, actor))
    return action


def pending_actions(*, limit: int = 100):
    """Planned email, letter and formal-notice actions not dispatched yet, oldest first."""
    return (
        Action.objects.filter(status=ActionStatus.PLANNED, channel__in=DISPATCHED_CHANNELS)
        .filter(letter__isnull=True, outbox_messages__isnull=True)
        .select_related("customer")
        .order_by("due_on", "pk")[:limit]
    )


def dispatch_pending(*, limit: int = 100, today: dt.date | None = None) -> int:
    """Dispatch the pending actions (the worker's tick, after the run's commit); returns how
    many went out. An action that cannot be rendered is logged and left for a person."""
    count = 0
    for action in pending_actions(limit=limit):
        if _dispatch_logged(action, None, today=today) is not None:
            count += 1
    return count


def _dispatch_logged(action, actor, *, today=None):
    """Dispatch, logging (not raising) a template that fails to render or is missing: the
    action stays planned and the next tick tries again once the template is fixed."""
    try:
        return action_dispatch(action=action, actor=actor, today=today)
    except (TemplateError, LookupError, ValidationError):
        logger.exception("dunning action %s could not be dispatched", action.pk)
        return None
