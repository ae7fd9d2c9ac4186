import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from encaisse.core.dates import today
from encaisse.dunning.choices import ActionStatus, CallOutcome, Channel, EventKind
from encaisse.dunning.models import Action, ActionEvent, PromiseToPay
from encaisse.dunning.services import action_approval_record, call_outcome_record

from .factories import make_customer, make_invoice
from .worklist_factories import days_ago, make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(collector):
    customer = make_customer("C1")
    invoices = [
        make_invoice(customer, "F1", "1000.00", due=days_ago(10)),
        make_invoice(customer, "F2", "500.00", due=days_ago(3)),
    ]
    return make_action(customer, invoices, assigned_to=collector)


def _follow_ups(call):
    return Action.objects.exclude(pk=call.pk)


def test_it_records_a_promise_when_payment_is_confirmed(call, collector):
    on = today() + dt.timedelta(days=7)
    event = call_outcome_record(
        actor=collector, action=call, outcome=CallOutcome.PAYMENT_CONFIRMED, promised_on=on
    )
    promise = PromiseToPay.objects.get()
    assert (promise.amount, promise.promised_on, promise.taken_by) == (
        Decimal("1500.00"),
        on,
        collector,
    )
    assert sorted(promise.invoices.values_list("number", flat=True)) == ["F1", "F2"]
    assert event.data == {"promise_id": promise.pk}
    call.refresh_from_db()
    assert (call.status, call.outcome, call.done_by) == (
        ActionStatus.DONE,
        "payment_confirmed",
        collector,
    )
    assert not _follow_ups(call).exists()


def test_it_requires_a_date_for_a_confirmed_payment(call, collector):
    with pytest.raises(ValidationError) as error:
        call_outcome_record(actor=collector, action=call, outcome=CallOutcome.PAYMENT_CONFIRMED)
    assert "promised_on" in error.value.message_dict
    call.refresh_from_db()
    assert call.status == ActionStatus.PLANNED


def test_it_plans_a_call_on_the_call_back_date(call, collector):
    on = today() + dt.timedelta(days=4)
    call_outcome_record(
        actor=collector, action=call, outcome=CallOutcome.CALL_BACK, call_back_on=on
    )
    follow = _follow_ups(call).get()
    assert (follow.channel, follow.due_on, follow.status, follow.assigned_to) == (
        Channel.CALL,
        on,
        ActionStatus.PLANNED,
        collector,
    )
    assert follow.total == Decimal("1500.00") and follow.lines.count() == 2


def test_it_calls_again_tomorrow_when_not_reached(call, collector):
    call_outcome_record(actor=collector, action=call, outcome=CallOutcome.NOT_REACHED)
    follow = _follow_ups(call).get()
    assert (follow.channel, follow.due_on) == (Channel.CALL, today() + dt.timedelta(days=1))


def test_it_creates_a_task_to_find_the_right_contact(call, collector):
    call_outcome_record(actor=collector, action=call, outcome=CallOutcome.WRONG_CONTACT)
    follow = _follow_ups(call).get()
    assert (follow.channel, follow.due_on) == (Channel.INTERNAL_TASK, today())


@pytest.mark.parametrize("outcome", [CallOutcome.REACHED, CallOutcome.PROBLEM_REPORTED])
def test_it_only_closes_the_call_when_reached_or_problem_reported(call, collector, outcome):
    call_outcome_record(actor=collector, action=call, outcome=outcome, notes="Livraison incomplète")
    assert not _follow_ups(call).exists() and not PromiseToPay.objects.exists()
    event = ActionEvent.objects.get()
    assert (event.kind, event.outcome, event.actor, event.notes) == (
        EventKind.OUTCOME,
        outcome,
        collector,
        "Livraison incomplète",
    )


def test_it_refuses_a_second_outcome(call, collector):
    call_outcome_record(actor=collector, action=call, outcome=CallOutcome.REACHED)
    with pytest.raises(ValidationError):
        call_outcome_record(actor=collector, action=call, outcome=CallOutcome.REACHED)


def test_it_approves_or_rejects_an_action_awaiting_approval(credit_manager):
    customer = make_customer("C2")
    invoice = make_invoice(customer, "F9", "900.00", due=days_ago(40))
    letter = make_action(
        customer, [invoice], channel=Channel.FORMAL_NOTICE, status=ActionStatus.AWAITING_APPROVAL
    )
    action_approval_record(actor=credit_manager, action=letter, approved=True)
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (ActionStatus.PLANNED, credit_manager)
    with pytest.raises(ValidationError):
        action_approval_record(actor=credit_manager, action=letter, approved=False)
    other = make_action(
        customer, [invoice], channel=Channel.LETTER, status=ActionStatus.AWAITING_APPROVAL
    )
    action_approval_record(actor=credit_manager, action=other, approved=False)
    other.refresh_from_db()
    assert other.status == ActionStatus.CANCELLED
    assert list(ActionEvent.objects.order_by("id").values_list("kind", flat=True)) == [
        "approved",
        "rejected",
    ]


def test_a_reported_problem_leads_to_the_dispute_form_prefilled(collector_client, call):
    response = collector_client.post(
        reverse("dunning:call_outcome", args=[call.pk]),
        {"outcome": CallOutcome.PROBLEM_REPORTED, "notes": "Livraison incomplète"},
    )
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("disputes:new")
    query = parse_qs(url.query)
    assert query["customer"] == [str(call.customer_id)] and query["origin"] == ["call"]
    assert query["invoice"] == [str(line.invoice_id) for line in call.lines.all()]
    call.refresh_from_db()
    assert call.outcome == CallOutcome.PROBLEM_REPORTED
