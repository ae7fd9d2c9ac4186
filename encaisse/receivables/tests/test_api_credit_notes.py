from decimal import Decimal

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

URL = "/api/v1/credit-notes"


def _post(client, user, url, body, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def test_it_records_a_credit_note_with_negative_amounts(client, collector):
    make_customer()
    response = _post(
        client,
        collector,
        URL,
        {"customer_code": "C1", "number": "AV1", "issue_date": "2026-01-10", "amount": "200"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["amount"], body["open_amount"]) == (
        "credit_note",
        "-200.00",
        "-200.00",
    )
    assert body["allocations"] == []
    assert Invoice.objects.get().kind == InvoiceKind.CREDIT_NOTE


def test_it_answers_409_for_a_credit_note_number_already_used(client, collector):
    make_credit_note(make_customer(), "AV1")
    response = _post(
        client,
        collector,
        URL,
        {"customer_code": "C1", "number": "AV1", "issue_date": "2026-01-10", "amount": "5"},
    )
    assert response.status_code == 409


def test_it_uses_a_credit_note_on_an_invoice(client, collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    note = make_credit_note(customer, "AV1", "-200.00")
    response = _post(
        client, collector, f"{URL}/{note.pk}/allocations", {"invoice_number": "F1", "amount": "200"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["credit_note_id"] == note.pk
    note.refresh_from_db()
    invoice.refresh_from_db()
    assert note.status == InvoiceStatus.SETTLED
    assert invoice.open_amount == Decimal("100.00")


def test_it_refuses_to_use_more_than_the_credit_note_holds(client, collector):
    customer = make_customer()
    make_invoice(customer, "F1", "300.00")
    note = make_credit_note(customer, "AV1", "-200.00")
    response = _post(
        client, collector, f"{URL}/{note.pk}/allocations", {"invoice_number": "F1", "amount": "250"}
    )
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["body.amount"]


def test_it_refuses_a_credit_note_of_another_customer(client, collector):
    make_invoice(make_customer("C1"), "F1", "300.00")
    note = make_credit_note(make_customer("C2", "Autre"), "AV1", "-200.00")
    response = _post(
        client, collector, f"{URL}/{note.pk}/allocations", {"invoice_number": "F1", "amount": "10"}
    )
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["body.invoice_number"]


def test_it_answers_404_when_the_id_is_an_invoice_not_a_credit_note(client, collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    response = _post(
        client,
        collector,
        f"{URL}/{invoice.pk}/allocations",
        {"invoice_number": "F1", "amount": "10"},
    )
    assert response.status_code == 404


def test_it_refuses_credit_notes_to_read_only_tokens_and_department_members(
    client, collector, department_member
):
    make_customer()
    body = {"customer_code": "C1", "number": "AV1", "issue_date": "2026-01-10", "amount": "5"}
    assert _post(client, collector, URL, body, TokenScope.READ).status_code == 403
    assert _post(client, department_member, URL, body).status_code == 403
    assert client.post(URL, body, content_type="application/json").status_code == 401
