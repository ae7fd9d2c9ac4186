"""The satisfaction follow-up after a resolution (issue 4, point 8).

Called on commit of ``dispute_resolve`` (``emails.on_dispute_moved``). Creates one
``Satisfaction`` per resolution and either queues the ``dispute-satisfaction`` email with the
customer's rating link, sent ``DISPUTES_SATISFACTION_DELAY_DAYS`` days later (2 by default, so
it does not arrive on top of the resolution email), or, when the customer has no email address,
plans a call for the dispute's coordinator (else the customer's collector) on that day, through
the dunning call tasks. Both show on the dispute's timeline (a ``follow_up`` event); the answer
is recorded by ``services.satisfaction_record``.

A dispute reopened before the request went out must not ask for a rating of a resolution that
no longer stands: ``satisfaction_withdraw_pending`` (called by the reopening, in its
transaction) takes the queued email out of the outbox, or cancels the planned call, and marks
the follow-up withdrawn. A request already sent stays answerable."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.core.dates import today
from encaisse.correspondence.choices import OutboxStatus
from encaisse.correspondence.models import OutboxMessage
from encaisse.disputes.choices import EventType, FollowUpChannel, Status
from encaisse.disputes.models import Dispute, Satisfaction
from encaisse.disputes.services.events import event_record
from encaisse.dunning.choices import ActionStatus, Channel
from encaisse.dunning.models import Action
from encaisse.dunning.services import action_manual_create

from . import tokens
from .emails import SATISFACTION, customer_email_queue, customer_recipient

DEFAULT_DELAY_DAYS = 2


def delay_days() -> int:
    return int(getattr(settings, "DISPUTES_SATISFACTION_DELAY_DAYS", DEFAULT_DELAY_DAYS))


def satisfaction_follow_up(*, dispute_id: int) -> Satisfaction | None:
    """Create the follow-up of the dispute's current resolution (once: the existing one when
    it was created already); None when the dispute is no longer resolved."""
    dispute = Dispute.objects.select_related("customer", "contact", "coordinator").get(
        pk=dispute_id
    )
    if dispute.status != Status.RESOLVED or dispute.resolved_at is None:
        return None
    existing = Satisfaction.objects.filter(dispute=dispute, resolved_at=dispute.resolved_at)
    if existing.exists():
        return existing.first()
    address, language, contact = customer_recipient(dispute)
    delay = dt.timedelta(days=delay_days())
    try:
        with transaction.atomic():
            satisfaction = Satisfaction.objects.create(
                dispute=dispute,
                resolved_at=dispute.resolved_at,
                channel=FollowUpChannel.EMAIL if address else FollowUpChannel.CALL,
                recipient=address,
            )
            if not address:
                satisfaction.call_action = action_manual_create(
                    actor=None,
                    customer=dispute.customer,
                    channel=Channel.CALL,
                    done=False,
                    due_on=today() + delay,
                    assigned_to=dispute.coordinator or dispute.customer.collector,
                    notes=_(
                        "Satisfaction follow-up of dispute %(number)s: ask for a rating from 1 "
                        "to 5 and a comment, and record them on the dispute."
                    )
                    % {"number": dispute.number},
                )
                satisfaction.save(update_fields=["call_action"])
            event_record(
                dispute=dispute,
                actor=None,
                type=EventType.FOLLOW_UP,
                data={"satisfaction_id": satisfaction.pk, "channel": satisfaction.channel},
            )
    except IntegrityError:  # created by a concurrent call
        return existing.first()
    if address:
        link = tokens.satisfaction_link(
            satisfaction_id=satisfaction.pk, dispute_id=dispute.pk, customer_id=dispute.customer_id
        )
        customer_email_queue(
            dispute_id=dispute.pk,
            code=SATISFACTION,
            key=_email_key_prefix(satisfaction).rstrip(":"),
            delay=delay,
            satisfaction_link=link,
        )
    return satisfaction


def _email_key_prefix(satisfaction: Satisfaction) -> str:
    return f"satisfaction:{satisfaction.pk}:"  # then the address (``customer_email_queue``)


def satisfaction_withdraw_pending(*, dispute: Dispute) -> int:
    """Withdraw the follow-ups of ``dispute`` not sent yet (the dispute is being reopened):
    delete the still queued rating email, cancel the still planned call. Each is one
    conditional statement, so a worker that claimed the email a moment before wins and the
    request stands (it went out). Returns how many follow-ups were withdrawn."""
    withdrawn = 0
    pending = Satisfaction.objects.filter(
        dispute=dispute, answered_at__isnull=True, withdrawn_at__isnull=True
    )
    for satisfaction in pending:  # one per resolution: a handful at most
        if satisfaction.channel == FollowUpChannel.EMAIL:
            taken, _counts = OutboxMessage.objects.filter(
                idempotency_key__startswith=_email_key_prefix(satisfaction),
                status=OutboxStatus.QUEUED,
            ).delete()
        else:
            taken = Action.objects.filter(
                pk=satisfaction.call_action_id, status=ActionStatus.PLANNED
            ).update(status=ActionStatus.CANCELLED)
        if taken:
            satisfaction.withdrawn_at = timezone.now()
            satisfaction.save(update_fields=["withdrawn_at"])
            withdrawn += 1
    return withdrawn
