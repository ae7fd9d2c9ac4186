import datetime as dt

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.core.dates import today
from encaisse.dunning.models import Action, Block, PromiseToPay

from .factories import make_customer, make_invoice
from .worklist_factories import days_ago, make_action

pytestmark = pytest.mark.django_db
URL = "/api/v1/dunning"


@pytest.fixture
def call(collector):
    customer = make_customer("C1")
    return make_action(customer, [make_invoice(customer, "F1", "800.00", due=days_ago(8))])


def _post(client, user, url, body, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def test_it_lists_actions_with_their_lines_in_few_queries(
    client, read_only, django_assert_max_num_queries
):
    for n in range(5):
        customer = make_customer(f"C{n}")
        make_action(customer, [make_invoice(customer, f"F{n}", "100.00", due=days_ago(n))])
    headers = bearer(read_only, TokenScope.READ)
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}/actions?limit=3", **headers)
    body = response.json()
    assert len(body["items"]) == 3 and body["next_cursor"]
    assert body["items"][0]["lines"][0]["amount_due"] == "100.00"
    rest = client.get(f"{URL}/actions?cursor={body['next_cursor']}", **headers).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None


def test_it_records_a_call_outcome_with_a_promise(client, collector, call):
    on = (today() + dt.timedelta(days=6)).isoformat()
    response = _post(
        client,
        collector,
        f"{URL}/actions/{call.pk}/outcome",
        {"outcome": "payment_confirmed", "promised_on": on},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"]["outcome"] == "payment_confirmed"
    assert body["promise_id"] == PromiseToPay.objects.get().pk


def test_it_names_the_missing_field_of_an_outcome(client, collector, call):
    response = _post(
        client, collector, f"{URL}/actions/{call.pk}/outcome", {"outcome": "call_back"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.call_back_on"


def test_it_creates_a_manual_action_a_promise_and_a_hold_then_releases_it(client, collector, call):
    invoice_id = call.lines.get().invoice_id
    response = _post(
        client,
        collector,
        f"{URL}/actions",
        {"customer_id": call.customer_id, "channel": "email", "invoice_ids": [invoice_id]},
    )
    assert response.status_code == 201 and response.json()["status"] == "done"
    on = (today() + dt.timedelta(days=4)).isoformat()
    response = _post(
        client,
        collector,
        f"{URL}/promises",
        {
            "customer_id": call.customer_id,
            "invoice_ids": [invoice_id],
            "amount": "300",
            "promised_on": on,
        },
    )
    assert response.status_code == 201 and response.json()["invoice_ids"] == [invoice_id]
    assert (
        client.get(f"{URL}/promises", **bearer(collector)).json()["items"][0]["amount"] == "300.00"
    )
    end = (today() + dt.timedelta(days=10)).isoformat()
    response = _post(
        client,
        collector,
        f"{URL}/blocks",
        {"customer_id": call.customer_id, "reason": "Rachat", "ends_on": end},
    )
    assert response.status_code == 201
    block_id = response.json()["id"]
    response = _post(client, collector, f"{URL}/blocks/{block_id}/release", {})
    assert response.status_code == 200 and response.json()["released_at"]


def test_it_refuses_writes_to_read_only_tokens_and_everything_to_department_members(
    client, credit_manager, department_member, call
):
    body = {"customer_id": call.customer_id, "reason": "x", "ends_on": today().isoformat()}
    assert (
        _post(client, credit_manager, f"{URL}/blocks", body, scope=TokenScope.READ).status_code
        == 403
    )
    assert (
        _post(
            client,
            credit_manager,
            f"{URL}/actions/{call.pk}/outcome",
            {"outcome": "reached"},
            scope=TokenScope.READ,
        ).status_code
        == 403
    )
    assert not Block.objects.exists()
    assert client.get(f"{URL}/actions", **bearer(department_member)).status_code == 403
    assert client.get(f"{URL}/promises", **bearer(department_member)).status_code == 403
    assert client.get(f"{URL}/actions").status_code == 401
    assert client.get(f"{URL}/actions/999", **bearer(credit_manager)).status_code == 404
    assert Action.objects.get().status == "planned"
