import datetime as dt
import email
from email import policy

import pytest
from django.utils import timezone

from encaisse.correspondence.choices import OutboxStatus
from encaisse.correspondence.models import OutboxMessage
from encaisse.correspondence.services import (
    outbox_claim,
    outbox_send_due,
    outbox_send_one,
)
from encaisse.correspondence.services.outbox import LEASE, MAX_ATTEMPTS, backoff

from .factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def queue(customer, key="k1", **extra):
    return OutboxMessage.objects.create(
        customer=customer,
        idempotency_key=key,
        from_email="relances@encaisse.example",
        recipients=["compta@dupont.example"],
        language="fr",
        subject="Factures échues",
        body_text="Bonjour",
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
        **extra,
    )


@pytest.fixture
def customer():
    customer = make_customer()
    make_invoice(customer)
    return customer


def test_it_lets_only_one_of_two_workers_claim_a_row(customer):
    rows = [queue(customer, key=f"k{i}") for i in range(3)]
    first = outbox_claim(worker="w1")
    second = outbox_claim(worker="w2")
    assert sorted(first) == [row.pk for row in rows]
    assert second == []
    assert set(OutboxMessage.objects.values_list("claimed_by", flat=True)) == {"w1"}


def test_it_refuses_a_claim_on_a_row_taken_between_read_and_update(customer, monkeypatch):
    """Both workers read the same candidate; the conditional UPDATE lets one win."""
    row = queue(customer)
    now = timezone.now()
    assert outbox_claim(worker="w1", now=now) == [row.pk]
    # w2 read the row as queued before w1's update landed: replay its update.
    from encaisse.correspondence.services.outbox import _claimable

    assert OutboxMessage.objects.filter(_claimable(now), pk=row.pk).update(claimed_by="w2") == 0
    row.refresh_from_db()
    assert (row.status, row.claimed_by, row.attempts) == (OutboxStatus.SENDING, "w1", 1)


def test_it_sends_over_smtp_with_a_stable_message_id(customer, smtp_server):
    row = queue(customer)
    assert outbox_send_due(worker="w1")["sent"] == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.sent_at is not None
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["compta@dupont.example"]
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    assert parsed["Subject"] == "Factures échues"


def test_it_sends_once_a_message_whose_worker_died_mid_send(customer, smtp_server):
    row = queue(customer)
    now = timezone.now()
    assert outbox_claim(worker="dead", now=now) == [row.pk]
    # The worker dies here, before sending and before marking anything.
    assert outbox_send_due(worker="w2")["sent"] == 0  # lease still running: not taken
    later = now + LEASE + dt.timedelta(seconds=1)
    assert outbox_claim(worker="w2", now=later) == [row.pk]
    assert outbox_send_one(message_id=row.pk, worker="w2") == OutboxStatus.SENT
    # The dead worker coming back cannot overwrite the result, and nothing is left to send.
    assert outbox_send_due(worker="w3")["sent"] == 0
    assert len(smtp_server.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == (OutboxStatus.SENT, 2, "w2")


def test_it_retries_with_backoff_then_fails_with_the_error(customer, smtp_server):
    smtp_server.refuse = True
    row = queue(customer)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        result = outbox_send_due(worker="w1")
        row.refresh_from_db()
        assert row.attempts == attempt
        assert "451" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert result["queued"] == 1 and row.status == OutboxStatus.QUEUED
            assert row.next_attempt_at >= before + backoff(attempt)
            assert outbox_send_due(worker="w1")["queued"] == 0  # not due yet
            OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert row.status == OutboxStatus.FAILED
    assert outbox_send_due(worker="w1") == {"sent": 0, "queued": 0, "failed": 0}
    assert smtp_server.messages == []


def test_backoff_doubles():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_it_fails_a_row_whose_last_attempt_died(customer):
    row = queue(customer)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING,
        attempts=MAX_ATTEMPTS,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    outbox_send_due(worker="w1")
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert "lease expired" in row.last_error
