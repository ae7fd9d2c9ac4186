import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.dates import today
from encaisse.customers.models import Contact
from encaisse.dunning.choices import ActionSource, ActionStatus, CallOutcome, Channel, PromiseStatus
from encaisse.dunning.models import ActionEvent, Block, PromiseToPay
from encaisse.dunning.services import call_outcome_record, customer_note_add, promise_record
from encaisse.dunning.timeline import customer_timeline
from encaisse.dunning.worklist import priority_score, worklist

from .factories import make_customer, make_invoice
from .worklist_factories import days_ago, make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(collector):
    customer = make_customer("C1", name="Boulangerie Martin", phone="01 23 45 67 89")
    Contact.objects.create(customer=customer, name="Julie Martin", phone="06 11 22 33 44")
    invoice = make_invoice(customer, "F1", "1000.00", due=days_ago(10))
    return make_action(customer, [invoice], assigned_to=collector)


def test_it_scores_amount_times_days_late_times_risk():
    assert priority_score(amount=Decimal("100"), days_late=5, risk=Decimal("1.5")) == Decimal(
        "750.00"
    )
    assert priority_score(amount=Decimal("100"), days_late=-3, risk=Decimal("1")) == Decimal(
        "100.00"
    )


def test_it_puts_broken_promises_first_then_the_highest_score(credit_manager):
    big = make_customer("BIG")
    small = make_customer("SMALL")
    late = make_customer("LATE")
    a_big = make_action(big, [make_invoice(big, "B1", "9000.00", due=days_ago(30))])
    a_small = make_action(
        small,
        [make_invoice(small, "S1", "100.00", due=days_ago(2))],
        source=ActionSource.BROKEN_PROMISE,
    )
    a_late = make_action(late, [make_invoice(late, "L1", "1000.00", due=days_ago(5))])
    make_action(
        late,
        [make_invoice(late, "L2", "50.00", due=days_ago(1))],
        due_on=today() + dt.timedelta(days=1),
    )
    rows = worklist(user=credit_manager)
    assert [row.action for row in rows] == [a_small, a_big, a_late]
    assert rows[1].days_late == 30


def test_it_shows_a_collector_their_own_calls_by_default(client, collector, credit_manager, call):
    customer = make_customer("C2", name="Autre client")
    make_action(
        customer,
        [make_invoice(customer, "F2", "200.00", due=days_ago(1))],
        assigned_to=credit_manager,
    )
    client.force_login(collector)
    response = client.get(reverse("dunning:worklist"))
    assert response.status_code == 200
    assert b"Boulangerie Martin" in response.content and b"Autre client" not in response.content
    response = client.get(reverse("dunning:worklist") + "?collector=all")
    assert b"Autre client" in response.content


def test_it_lists_the_worklist_in_constant_queries(manager_client, django_assert_max_num_queries):
    for n in range(15):
        customer = make_customer(f"C{n}", name=f"Client {n}")
        make_action(customer, [make_invoice(customer, f"F{n}", "100.00", due=days_ago(n))])
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("dunning:worklist") + "?collector=all")
    assert response.content.count(b"data-action=") == 15


def test_it_shows_the_call_guide_contacts_and_invoices(collector_client, call):
    response = collector_client.get(reverse("dunning:call", args=[call.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="tel:06 11 22 33 44"' in body and "F1" in body
    # "Problem reported" offers the disputes form, prefilled with the call's invoices.
    assert f"/disputes/new/?customer={call.customer_id}&amp;" in body
    assert "origin=call" in body and "invoice=" in body


def test_it_records_a_confirmed_payment_from_the_call_page(collector_client, call):
    on = today() + dt.timedelta(days=5)
    response = collector_client.post(
        reverse("dunning:call_outcome", args=[call.pk]),
        {"outcome": CallOutcome.PAYMENT_CONFIRMED, "promised_on": on.isoformat()},
    )
    assert response.status_code == 302
    assert PromiseToPay.objects.get().promised_on == on


def test_it_names_the_missing_date_of_a_confirmed_payment(collector_client, call):
    response = collector_client.post(
        reverse("dunning:call_outcome", args=[call.pk]), {"outcome": CallOutcome.PAYMENT_CONFIRMED}
    )
    assert response.status_code == 422
    assert (
        "Payment promised on" in response.content.decode()
        or "promised" in response.content.decode()
    )
    assert not PromiseToPay.objects.exists()


@pytest.mark.parametrize("name", ["worklist", "call"])
def test_it_refuses_pages_to_anonymous_and_department_members(department_client, call, name):
    url = (
        reverse("dunning:worklist")
        if name == "worklist"
        else reverse("dunning:call", args=[call.pk])
    )
    assert Client().get(url).status_code == 302
    assert department_client.get(url).status_code == 403


def test_it_lets_read_only_users_read_but_not_write(read_only_client, call):
    assert read_only_client.get(reverse("dunning:call", args=[call.pk])).status_code == 200
    url = reverse("dunning:call_outcome", args=[call.pk])
    assert read_only_client.post(url, {"outcome": "reached"}).status_code == 403
    customer_id = call.customer_id
    for name in ["note_add", "manual_action", "promise_add", "hold_add"]:
        assert (
            read_only_client.post(reverse(f"dunning:{name}", args=[customer_id])).status_code == 403
        )
    assert read_only_client.post(reverse("dunning:approval", args=[call.pk])).status_code == 403


def test_it_answers_404_for_a_missing_action(collector_client):
    assert collector_client.get(reverse("dunning:call", args=[999])).status_code == 404


def test_it_builds_the_timeline_newest_first(call, collector):
    customer = call.customer
    promise_record(
        actor=collector,
        customer=customer,
        invoices=[call.lines.get().invoice],
        amount="1000",
        promised_on=today() + dt.timedelta(days=3),
    )
    customer_note_add(actor=collector, customer=customer, notes="Rappeler le comptable")
    call_outcome_record(actor=collector, action=call, outcome=CallOutcome.REACHED)
    kinds = [entry.kind for entry in customer_timeline(customer=customer)]
    assert kinds == ["action", "event", "promise"]
    assert [e.obj.outcome for e in customer_timeline(customer=customer) if e.kind == "action"] == [
        "reached"
    ]


def test_it_shows_the_timeline_and_its_forms_on_the_customer_page(
    collector_client, call, collector, django_assert_max_num_queries
):
    customer_note_add(actor=collector, customer=call.customer, notes="Rappeler le comptable")
    with django_assert_max_num_queries(40):
        response = collector_client.get(reverse("customers:detail", args=[call.customer_id]))
    body = response.content.decode()
    assert "Rappeler le comptable" in body and 'data-entry="action"' in body
    assert reverse("dunning:promise_add", args=[call.customer_id]) in body


def test_it_records_a_note_a_promise_and_a_hold_from_the_customer_page(collector_client, call):
    customer_id = call.customer_id
    invoice = call.lines.get().invoice
    collector_client.post(reverse("dunning:note_add", args=[customer_id]), {"notes": "Vu au salon"})
    collector_client.post(
        reverse("dunning:promise_add", args=[customer_id]),
        {
            "promised_on": (today() + dt.timedelta(days=2)).isoformat(),
            "amount": "400",
            "channel": "email",
            "invoices": [str(invoice.pk)],
        },
    )
    collector_client.post(
        reverse("dunning:hold_add", args=[customer_id]),
        {
            "invoice": "",
            "reason": "Rachat en cours",
            "ends_on": (today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    collector_client.post(
        reverse("dunning:manual_action", args=[customer_id]),
        {
            "channel": Channel.EMAIL,
            "done": "on",
            "invoices": [str(invoice.pk)],
            "notes": "Relance par mail",
        },
    )
    assert ActionEvent.objects.filter(kind="note", notes="Vu au salon").exists()
    assert PromiseToPay.objects.get().status == PromiseStatus.OPEN
    block = Block.objects.get()
    assert (block.kind, block.invoice) == ("hold", None)
    response = collector_client.get(reverse("customers:detail", args=[customer_id]))
    assert "Rachat en cours" in response.content.decode()
    collector_client.post(reverse("dunning:block_release", args=[customer_id, block.pk]))
    block.refresh_from_db()
    assert block.released_at is not None
    manual = call.customer.dunning_actions.get(source="manual")
    assert (manual.status, manual.total) == (ActionStatus.DONE, Decimal("1000.00"))


def test_it_shows_the_dunning_history_on_the_invoice_page(collector_client, call):
    invoice = call.lines.get().invoice
    response = collector_client.get(reverse("receivables:detail", args=[invoice.pk]))
    assert response.status_code == 200
    assert 'data-entry="action"' in response.content.decode()


def test_it_counts_every_pending_action_beyond_the_listed_ones(
    manager_client, collector, monkeypatch
):
    """The figures above the lists (and the dashboard's day's work) count every call to make
    and every action awaiting approval due by today, not only the ``MAX_ROWS`` listed; done,
    cancelled, future and planned non-call actions are not counted."""
    monkeypatch.setattr("encaisse.dunning.worklist.MAX_ROWS", 2)
    customer = make_customer("C1", name="Client")
    invoice = make_invoice(customer, "F1", "100.00", due=days_ago(20))
    for n in range(3):
        make_action(customer, [invoice], due_on=days_ago(n))  # 3 calls, 2 of them overdue
    make_action(customer, [invoice], source=ActionSource.BROKEN_PROMISE, assigned_to=collector)
    make_action(customer, [invoice], channel=Channel.CALL, status=ActionStatus.AWAITING_APPROVAL)
    make_action(customer, [invoice], channel=Channel.LETTER, status=ActionStatus.AWAITING_APPROVAL)
    make_action(customer, [invoice], channel=Channel.EMAIL)  # planned, sent by the outbox
    make_action(customer, [invoice], status=ActionStatus.DONE)
    make_action(customer, [invoice], status=ActionStatus.CANCELLED)
    make_action(customer, [invoice], due_on=today() + dt.timedelta(days=1))
    html = manager_client.get(reverse("dunning:worklist") + "?collector=all").content.decode()
    assert html.count("data-action=") == 2
    assert 'data-count="calls">5<' in html
    assert 'data-count="calls-overdue">2<' in html
    assert 'data-count="approvals">2<' in html
    assert 'data-count="urgent">1<' in html
    html = manager_client.get(reverse("insights:dashboard")).content.decode()
    assert 'data-work="calls">5<' in html and 'data-work="approvals">2<' in html
    html = manager_client.get(reverse("dunning:worklist") + f"?collector={collector.pk}")
    assert 'data-count="calls">1<' in html.content.decode()
