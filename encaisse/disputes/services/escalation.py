"""The daily escalation of disputes nearing or past their target date.

Three levels, each reached once per dispute (``Dispute.escalation_level``) and recorded as an
``escalated`` event with its recipients:

1. at risk (``at_risk_on`` reached): the owner (the coordinator when there is no owner);
2. late (the target date passed): the head of the department;
3. late by ``CREDIT_MANAGER_AFTER`` business days: the credit managers.

A dispute found past several levels at once (first run, a missed day) gets each of them, in
order. Each recipient gets an in-app ``Notification`` row and, after commit, an email through
the correspondence outbox (``portal.emails.escalation_emails_queue``, once per dispute, level
and user). Called by ``encaisse disputes
escalate`` and daily by the worker. Set-based: a few statements per level, not per dispute."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from encaisse.accounts.choices import Role
from encaisse.portal import emails as escalation_emails

from .. import deadlines
from ..choices import ACTIVE_STATUSES, Escalation, EventType
from ..models import Dispute, DisputeEvent, Notification

CREDIT_MANAGER_AFTER = 5  # business days late
ONE_DAY = dt.timedelta(days=1)


def _due(level: int, as_of: dt.date) -> Q:
    if level == Escalation.OWNER:
        return Q(at_risk_on__lte=as_of) | Q(target_date__lt=as_of)
    if level == Escalation.HEAD:
        return Q(target_date__lt=as_of)
    # Late by N business days: N business days in (target, as_of]. The Nth business day on or
    # before as_of must come after the target.
    nth = deadlines.add_business_days(as_of + ONE_DAY, -CREDIT_MANAGER_AFTER)
    return Q(target_date__lt=nth)


@transaction.atomic
def disputes_escalate(*, as_of: dt.date) -> dict[int, int]:
    """Escalate the active disputes due for a level on ``as_of``; returns how many disputes
    reached each level."""
    now = timezone.now()
    credit_managers = list(
        get_user_model()
        .objects.filter(role=Role.CREDIT_MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )
    counts, notices = {}, []
    for level in (Escalation.OWNER, Escalation.HEAD, Escalation.CREDIT_MANAGER):
        due = Dispute.objects.filter(
            _due(level, as_of),
            status__in=ACTIVE_STATUSES,
            target_date__isnull=False,
            escalation_level__lt=level,
        )
        rows = list(due.values_list("pk", "owner_id", "coordinator_id", "department__head_id"))
        events, notifications = [], []
        for pk, owner, coordinator, head in rows:
            if level == Escalation.OWNER:
                recipients = [owner or coordinator]
            elif level == Escalation.HEAD:
                recipients = [head]
            else:
                recipients = credit_managers
            recipients = [r for r in dict.fromkeys(recipients) if r is not None]
            events.append(
                DisputeEvent(
                    dispute_id=pk,
                    type=EventType.ESCALATED,
                    at=now,
                    data={
                        "level": int(level),
                        "as_of": as_of.isoformat(),
                        "recipients": recipients,
                    },
                )
            )
            notifications += [
                Notification(recipient_id=r, dispute_id=pk, level=level, created_at=now)
                for r in recipients
            ]
        DisputeEvent.objects.bulk_create(events)
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        notices += [(n.dispute_id, int(level), n.recipient_id) for n in notifications]
        Dispute.objects.filter(pk__in=[row[0] for row in rows]).update(
            escalation_level=level, updated_at=now
        )
        counts[int(level)] = len(rows)
    escalation_emails.on_escalated(notices)
    return counts
