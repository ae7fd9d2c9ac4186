"""The satisfaction follow-up after a resolution: an email with a rating link (or a call task
for the collector when the customer has no address), the answer recorded once, on the
dispute's timeline."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from encaisse.correspondence.models import OutboxMessage
from encaisse.correspondence.services import outbox_send_due
from encaisse.disputes.choices import EventType, FollowUpChannel, Outcome
from encaisse.disputes.models import Dispute, Satisfaction
from encaisse.disputes.services import dispute_reopen, dispute_resolve
from encaisse.disputes.tests.factories import cause
from encaisse.dunning.choices import ActionStatus, Channel
from encaisse.portal import tokens

from .factories import customer_with_dispute, dispute_url

pytestmark = pytest.mark.django_db


def _resolve(actor, dispute, capture):
    with capture(execute=True):
        dispute_resolve(
            actor=actor,
            dispute=dispute,
            outcome=Outcome.COMMERCIAL_GESTURE,
            founded=True,
            root_cause=cause(),
        )


def _satisfaction_url(satisfaction):
    token = tokens.satisfaction_token(
        satisfaction_id=satisfaction.pk,
        dispute_id=satisfaction.dispute_id,
        customer_id=satisfaction.dispute.customer_id,
    )
    return reverse("portal:satisfaction", args=[token])


def test_it_asks_for_a_rating_by_email_after_the_resolution(
    collector, smtp_server, settings, django_capture_on_commit_callbacks, client
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 0
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    assert satisfaction.channel == FollowUpChannel.EMAIL
    assert satisfaction.recipient == "compta@dupont.example"
    assert dispute.events.filter(type=EventType.FOLLOW_UP).count() == 1
    outbox_send_due(worker="test")
    bodies = [m.content.decode() for m in smtp_server.messages]
    link = next(re.search(r"/p/s/(\S+)/", b) for b in bodies if "/p/s/" in b)
    assert client.get(reverse("portal:satisfaction", args=[link.group(1)])).status_code == 200


def test_it_delays_the_rating_email_after_the_resolution_email(
    collector, settings, django_capture_on_commit_callbacks
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 2
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    resolved = OutboxMessage.objects.get(template_code="dispute-resolved")
    asked = OutboxMessage.objects.get(template_code="dispute-satisfaction")
    assert (asked.next_attempt_at - resolved.next_attempt_at).days == 2


def test_it_records_the_rating_and_comment_once_on_the_timeline(
    collector, client, django_capture_on_commit_callbacks
):
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    url = _satisfaction_url(satisfaction)
    assert client.post(url, {"rating": "6"}).status_code == 400
    response = client.post(url, {"rating": "4", "comment": "Rapide <i>et</i> clair"})
    assert response.status_code == 302
    satisfaction.refresh_from_db()
    assert (satisfaction.rating, satisfaction.comment) == (4, "Rapide <i>et</i> clair")
    event = dispute.events.get(type=EventType.SATISFACTION)
    assert event.data["rating"] == 4
    page = client.get(url).content.decode()
    assert "Merci pour votre réponse" in page and "Votre note : 4/5" in page
    assert "Rapide &lt;i&gt;et&lt;/i&gt; clair" in page
    # A second answer does not overwrite the first.
    assert client.post(url, {"rating": "1"}).status_code == 400
    satisfaction.refresh_from_db()
    assert satisfaction.rating == 4
    # The customer sees it on the dispute's page too.
    assert "Votre note : 4/5" in client.get(dispute_url(dispute)).content.decode()


def test_it_plans_a_call_for_the_collector_when_the_customer_has_no_email(
    collector, django_capture_on_commit_callbacks
):
    _customer, dispute = customer_with_dispute("NOM", email="", coordinator=collector)
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    assert satisfaction.channel == FollowUpChannel.CALL
    action = satisfaction.call_action
    assert action.channel == Channel.CALL and action.status == ActionStatus.PLANNED
    assert action.assigned_to == collector and dispute.number in action.notes
    assert not OutboxMessage.objects.exists()
    assert dispute.events.get(type=EventType.FOLLOW_UP).data["channel"] == "call"


def test_it_does_not_open_another_customers_follow_up(
    collector, client, django_capture_on_commit_callbacks
):
    customer, _mine = customer_with_dispute("DUP")
    _other, theirs = customer_with_dispute("MAR")
    _resolve(collector, theirs, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=theirs)
    forged = tokens.satisfaction_token(
        satisfaction_id=satisfaction.pk, dispute_id=theirs.pk, customer_id=customer.pk
    )
    response = client.post(reverse("portal:satisfaction", args=[forged]), {"rating": "1"})
    assert response.status_code == 404
    satisfaction.refresh_from_db()
    assert satisfaction.rating is None


def _reopen(actor, dispute, capture):
    with capture(execute=True):
        dispute_reopen(actor=actor, dispute=dispute, comment="The credit note was wrong.")


def test_it_does_not_ask_for_a_rating_of_a_resolution_reopened_before_the_email_went_out(
    collector, smtp_server, settings, client, django_capture_on_commit_callbacks
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 2
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    _reopen(collector, dispute, django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(template_code="dispute-satisfaction").exists()
    satisfaction.refresh_from_db()
    assert satisfaction.withdrawn_at is not None
    # Two days later, the worker sends everything due: no rating request among it.
    later = timezone.now() + dt.timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        outbox_send_due(worker="test")
    assert smtp_server.messages  # the resolution email went out
    assert not any("/p/s/" in m.content.decode() for m in smtp_server.messages)
    # The customer's timeline does not announce a request that was never sent, and the
    # withdrawn follow-up's link opens nothing.
    assert (
        "Nous vous avons demandé votre avis"
        not in client.get(dispute_url(dispute)).content.decode()
    )
    assert client.get(_satisfaction_url(satisfaction)).status_code == 404


def test_it_asks_again_after_the_reopened_dispute_is_resolved_again(
    collector, settings, django_capture_on_commit_callbacks
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 2
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    _reopen(collector, dispute, django_capture_on_commit_callbacks)
    dispute.refresh_from_db()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    current = Satisfaction.objects.get(withdrawn_at__isnull=True)
    assert current.resolved_at == Dispute.objects.get(pk=dispute.pk).resolved_at
    asked = OutboxMessage.objects.get(template_code="dispute-satisfaction")
    assert asked.idempotency_key.startswith(f"satisfaction:{current.pk}:")


def test_it_keeps_a_rating_request_that_already_went_out(
    collector, smtp_server, settings, client, django_capture_on_commit_callbacks
):
    settings.DISPUTES_SATISFACTION_DELAY_DAYS = 0
    _customer, dispute = customer_with_dispute()
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    outbox_send_due(worker="test")
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    _reopen(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction.refresh_from_db()
    assert satisfaction.withdrawn_at is None
    assert client.get(_satisfaction_url(satisfaction)).status_code == 200


def test_it_cancels_the_planned_call_when_the_dispute_is_reopened(
    collector, django_capture_on_commit_callbacks
):
    _customer, dispute = customer_with_dispute("NOM", email="", coordinator=collector)
    _resolve(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction = Satisfaction.objects.get(dispute=dispute)
    _reopen(collector, dispute, django_capture_on_commit_callbacks)
    satisfaction.refresh_from_db()
    satisfaction.call_action.refresh_from_db()
    assert satisfaction.call_action.status == ActionStatus.CANCELLED
    assert satisfaction.withdrawn_at is not None
