"""The dispute emails, received by a real SMTP server on loopback: the customer's
acknowledgement and updates (solution proposed, resolved) in their language with their link,
and the escalation emails to the users notified. Queued after commit, never twice."""

import datetime as dt
import email
import re
from email import policy

import pytest
from django.utils import translation

from encaisse.accounts.models import Department
from encaisse.correspondence.models import OutboxMessage
from encaisse.correspondence.services import outbox_send_due
from encaisse.disputes.choices import Escalation, Outcome, Status
from encaisse.disputes.services import dispute_resolve, dispute_transition, disputes_escalate
from encaisse.disputes.tests.factories import cause
from encaisse.portal import emails, tokens

from .factories import customer_with_dispute

pytestmark = pytest.mark.django_db


def _received(inbox):
    return [email.message_from_bytes(e.content, policy=policy.default) for e in inbox.messages]


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_it_acknowledges_a_new_dispute_with_its_number_next_step_date_and_link(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _customer, dispute = customer_with_dispute()
    assert outbox_send_due(worker="test")["sent"] == 1
    [message] = _received(smtp_server)
    assert message["To"] == "compta@dupont.example"
    assert dispute.number in message["Subject"]
    body = _text(message)
    assert "Le service concerné examine votre réclamation." in body
    assert "Date de réponse prévue : 16/03/2026" in body
    token = re.search(r"/p/d/(\S+)/", body).group(1)
    claims = tokens.read("dispute", token)
    assert (claims.dispute_id, claims.customer_id) == (dispute.pk, dispute.customer_id)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="http://127.0.0.1:8000/p/d/{token}/"' in html  # clickable


def test_it_never_queues_the_acknowledgement_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _customer, dispute = customer_with_dispute()
    with django_capture_on_commit_callbacks(execute=True):
        emails.on_dispute_opened(dispute)
    assert OutboxMessage.objects.filter(template_code="dispute-acknowledgement").count() == 1


def test_it_sends_nothing_for_a_rolled_back_dispute(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            customer_with_dispute()
            raise RuntimeError
    assert callbacks == [] and not OutboxMessage.objects.exists()


def test_it_emails_the_updates_that_matter_in_the_customers_language(
    smtp_server, collector, django_capture_on_commit_callbacks, settings
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 30  # the satisfaction email is not due yet
    _customer, dispute = customer_with_dispute(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        dispute_transition(actor=collector, dispute=dispute, to_status=Status.IN_PROGRESS)
        dispute_transition(actor=collector, dispute=dispute, to_status=Status.SOLUTION_PROPOSED)
        dispute_resolve(
            actor=collector,
            dispute=dispute,
            outcome=Outcome.CREDIT_NOTE,
            founded=True,
            root_cause=cause(),
            credit_note_number="AV-2026-0012",
            credit_note_amount="2500.00",
        )
    outbox_send_due(worker="test")
    subjects = sorted(m["Subject"] for m in _received(smtp_server))
    assert subjects == [
        f"Dispute {dispute.number} resolved",
        f"Dispute {dispute.number}: a solution is proposed",
    ]
    resolved = next(m for m in _received(smtp_server) if "resolved" in m["Subject"])
    assert "Credit note issued" in _text(resolved)
    assert "Credit note AV-2026-0012 of 2,500.00" in _text(resolved)
    # In progress matters less to the customer: no email for it; the third row is the
    # satisfaction request, due later.
    codes = sorted(OutboxMessage.objects.values_list("template_code", flat=True))
    assert codes == ["dispute-resolved", "dispute-satisfaction", "dispute-solution-proposed"]


def test_it_sends_the_dispute_contacts_address_first_and_nothing_without_an_address(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        customer_with_dispute("NOM", email="")
    assert not OutboxMessage.objects.exists()


def test_it_emails_each_user_an_escalation_notifies(
    smtp_server,
    collector,
    department_member,
    credit_manager,
    admin_user,
    django_capture_on_commit_callbacks,
):
    for user, address in [
        (department_member, "denis@example.test"),
        (admin_user, "alice@example.test"),
        (credit_manager, "claire@example.test"),
    ]:
        user.email = address
        user.save(update_fields=["email"])
    billing = Department.objects.get(code="billing")
    billing.default_owner, billing.head = department_member, admin_user
    billing.save()
    _customer, dispute = customer_with_dispute()
    with django_capture_on_commit_callbacks(execute=True):
        disputes_escalate(as_of=dt.date(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        disputes_escalate(as_of=dt.date(2026, 6, 2))  # nothing new: no email again
    outbox_send_due(worker="test")
    received = {m["To"]: m for m in _received(smtp_server)}
    assert set(received) == {"denis@example.test", "alice@example.test", "claire@example.test"}
    assert "[Escalade]" in received["claire@example.test"]["Subject"]
    assert dispute.number in received["claire@example.test"]["Subject"]
    with translation.override("fr"):
        level = str(Escalation.CREDIT_MANAGER.label)
    assert f"demande votre attention : {level}." in _text(received["claire@example.test"])
