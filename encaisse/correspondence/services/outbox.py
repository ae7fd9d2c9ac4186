"""The outbox: emails are rows first, sent by the worker.

States: queued -> sending -> sent, or back to queued with a later ``next_attempt_at`` after
a failure (exponential backoff: 1, 2, 4, 8... minutes), and failed with the error after
``MAX_ATTEMPTS`` attempts.

Claiming is a conditional UPDATE (``WHERE id = ? AND <still claimable>``): of two workers
racing for a row, the database lets exactly one update it, the other sees 0 rows changed and
moves on. No lock is held while sending. A claimed row carries a lease; a worker that dies
mid-send leaves the row in ``sending``, and once the lease has passed any worker may claim it
again.

What "exactly once" means over SMTP. We commit ``sent`` after the SMTP server has accepted
the message. If the worker dies between the server's acceptance and our commit, the row is
claimed again after its lease and the message is sent a second time: no protocol can close
that window (SMTP has no two-phase commit). Two things keep it harmless and rare: the window
is a single database commit long, and every attempt carries the same Message-ID header (fixed
when the row is created), so the recipient's server and mail client can recognise the
duplicate (many deduplicate on it) and so can anyone reading the logs. Everything else is
exactly once: a message is never queued twice for an action and recipient (unique
idempotency key), never claimed by two workers at once, and never lost (a crash leaves it
claimable)."""

import datetime as dt
import logging
import os
import socket

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from ..choices import OutboxStatus
from ..models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = dt.timedelta(minutes=1)
LEASE = dt.timedelta(minutes=5)
BATCH = 50


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: 1, 2, 4, 8... minutes."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def _claimable(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now, attempts__lt=MAX_ATTEMPTS
    )


def outbox_claim(*, worker: str, now: dt.datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim up to ``limit`` due messages for ``worker``; returns the ids this worker won.

    Each row is taken by its own conditional UPDATE, so a row another worker took between our
    read and our update is simply not ours (0 rows updated)."""
    now = now or timezone.now()
    candidates = list(
        OutboxMessage.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in candidates:
        won = (
            OutboxMessage.objects.filter(_claimable(now), pk=pk).update(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                lease_until=now + LEASE,
                attempts=F("attempts") + 1,
            )
            == 1
        )
        if won:
            claimed.append(pk)
    return claimed


def outbox_expire(*, now: dt.datetime | None = None) -> int:
    """Fail rows whose last allowed attempt died mid-send (lease passed, no attempt left)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, lease_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=OutboxStatus.FAILED,
        lease_until=None,
        last_error="The worker stopped during the last attempt (lease expired).",
    )


def build_email(message: OutboxMessage, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=list(message.recipients),
        headers={"Message-ID": message.message_id},
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.attachment:
        email.attach(message.attachment_name, bytes(message.attachment), "application/pdf")
    return email


def outbox_send_one(*, message_id: int, worker: str, connection=None) -> str:
    """Send one message this worker has claimed and record the outcome; returns its status.

    The outcome is written only while the row is still ours (``claimed_by``, ``sending``):
    a worker whose lease passed and whose row was re-claimed does not overwrite the other's
    result."""
    message = OutboxMessage.objects.get(pk=message_id)
    ours = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.SENDING, claimed_by=worker
    )
    try:
        build_email(message, connection).send()
    except Exception as error:  # SMTP, network, TLS, bad address: all retried then failed
        now = timezone.now()
        failed = message.attempts >= MAX_ATTEMPTS
        status = OutboxStatus.FAILED if failed else OutboxStatus.QUEUED
        ours.update(
            status=status,
            next_attempt_at=now + backoff(message.attempts),
            lease_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("outbox message %s attempt %s: %s", message_id, message.attempts, error)
        return status
    now = timezone.now()
    if ours.update(status=OutboxStatus.SENT, sent_at=now, lease_until=None, last_error=""):
        _action_done(message, now)
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=message_id)


def _action_done(message: OutboxMessage, now: dt.datetime) -> None:
    from encaisse.dunning.choices import ActionStatus
    from encaisse.dunning.models import Action

    if message.action_id:
        Action.objects.filter(pk=message.action_id, status=ActionStatus.PLANNED).update(
            status=ActionStatus.DONE, done_at=now
        )


def outbox_send_due(*, worker: str | None = None, limit: int = BATCH) -> dict[str, int]:
    """Claim and send the due messages (the worker's tick); returns counts per outcome."""
    worker = worker or worker_name()
    outbox_expire()
    counts = {OutboxStatus.SENT: 0, OutboxStatus.QUEUED: 0, OutboxStatus.FAILED: 0}
    claimed = outbox_claim(worker=worker, limit=limit)
    if not claimed:
        return {str(k): v for k, v in counts.items()}
    for pk in claimed:
        # A connection per message: a server that refuses to connect fails that attempt
        # (retried later) instead of stranding the whole batch in ``sending``.
        status = outbox_send_one(message_id=pk, worker=worker)
        counts[status] = counts.get(status, 0) + 1
    return {str(k): v for k, v in counts.items()}
