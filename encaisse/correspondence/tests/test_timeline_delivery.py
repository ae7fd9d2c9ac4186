"""The delivery of emails and letters shows on the customer's timeline and in each invoice's
history: queued, sent, failed with the error (emails); generated, printed (letters)."""

import re

import pytest
from django.urls import reverse

from encaisse.correspondence.choices import OutboxStatus
from encaisse.correspondence.models import OutboxMessage
from encaisse.correspondence.services import action_dispatch, outbox_send_due
from encaisse.correspondence.services.templates import letters_mark_printed
from encaisse.dunning.timeline import customer_timeline, invoice_timeline

from .factories import TODAY, make_action, make_ledger

pytestmark = pytest.mark.django_db


def _deliveries(html: str) -> list[str]:
    return re.findall(r'data-delivery="([a-z]+)"', html)


def test_it_shows_each_email_and_letter_delivery_on_the_timeline(
    collector, collector_client, smtp_server
):
    customer, invoices = make_ledger()
    queued = make_action(customer, invoices)
    action_dispatch(action=queued, today=TODAY)
    assert _statuses(customer) == ["queued"]

    # A refused attempt: still queued, with the attempt and the server's error.
    smtp_server.refuse = True
    outbox_send_due(worker="w1")
    (entry,) = [e for e in customer_timeline(customer=customer) if e.delivery]
    assert "451" in entry.delivery[0].detail and "1" in entry.delivery[0].detail

    smtp_server.refuse = False
    OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.get().created_at)
    outbox_send_due(worker="w1")
    assert _statuses(customer) == ["sent"]

    failed = make_action(customer, invoices[:1])
    action_dispatch(action=failed, today=TODAY)
    OutboxMessage.objects.filter(action=failed).update(
        status=OutboxStatus.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550 no mailbox"
    )
    letter_action = make_action(
        customer, invoices, channel="letter", template_code="reminder-letter"
    )
    letter = action_dispatch(action=letter_action, today=TODAY)
    printed_action = make_action(
        customer, invoices[1:], channel="letter", template_code="reminder-letter"
    )
    printed = action_dispatch(action=printed_action, today=TODAY)
    letters_mark_printed(letter_ids=[printed.pk], actor=collector)
    assert sorted(_statuses(customer)) == ["failed", "generated", "printed", "sent"]

    page = collector_client.get(reverse("customers:detail", args=[customer.pk]))
    html = page.content.decode()
    assert sorted(_deliveries(html)) == ["failed", "generated", "printed", "sent"]
    assert "550 no mailbox" in html and "compta@dupont.example" in html
    assert letter.pk != printed.pk

    # The invoice's history: FA-2026-0007 is on every action; FA-2025-0042 not on the printed one.
    first, second = invoices
    assert sorted(d.status for e in invoice_timeline(invoice=first) for d in e.delivery) == [
        "failed",
        "generated",
        "sent",
    ]
    html = collector_client.get(reverse("receivables:detail", args=[second.pk])).content.decode()
    assert sorted(_deliveries(html)) == ["generated", "printed", "sent"]


def _statuses(customer) -> list[str]:
    return [d.status for e in customer_timeline(customer=customer) for d in e.delivery]
