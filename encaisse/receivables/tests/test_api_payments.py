from decimal import Decimal

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.models import Payment

from .factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments"


def _post(client, user, url, body, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def _fields(response):
    return [f["field"] for f in response.json()["error"]["fields"]]


def _payment_body(**extra):
    return {
        "customer_code": "C1",
        "reference": "VIR-2026-001",
        "received_on": "2026-02-15",
        "amount": "500.00",
        "method": "transfer",
        **extra,
    }


def test_it_records_a_payment_allocated_by_invoice_number_and_id(client, collector):
    customer = make_customer()
    first = make_invoice(customer, "F1", "300.00")
    second = make_invoice(customer, "F2", "400.00")
    response = _post(
        client,
        collector,
        URL,
        _payment_body(
            allocations=[
                {"invoice_number": "F1", "amount": "300.00"},
                {"invoice_id": second.pk, "amount": 150},
            ]
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["unallocated_amount"] == "50.00"
    assert [(a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        ("F1", "300.00"),
        ("F2", "150.00"),
    ]
    first.refresh_from_db()
    assert first.status == InvoiceStatus.SETTLED


def test_it_keeps_a_payment_without_allocations_on_account(client, collector):
    make_customer()
    response = _post(client, collector, URL, _payment_body())
    assert response.status_code == 201
    assert response.json()["unallocated_amount"] == "500.00"
    assert response.json()["allocations"] == []


def test_it_names_the_allocation_that_asks_too_much(client, collector):
    make_invoice(make_customer(), "F1", "100.00")
    response = _post(
        client,
        collector,
        URL,
        _payment_body(allocations=[{"invoice_number": "F1", "amount": "100.01"}]),
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.allocations.0.amount"]
    assert not Payment.objects.exists()


def test_it_names_an_allocation_to_another_customers_invoice(client, collector):
    make_customer()
    other = make_invoice(make_customer("C2", "Autre"), "F9", "100.00")
    response = _post(
        client,
        collector,
        URL,
        _payment_body(allocations=[{"invoice_id": other.pk, "amount": "10"}]),
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.allocations.0.invoice_id"]
    assert "autre client" in response.json()["error"]["fields"][0]["message"]  # French by default


def test_it_names_an_unknown_invoice(client, collector):
    make_customer()
    response = _post(
        client,
        collector,
        URL,
        _payment_body(allocations=[{"invoice_number": "NOPE", "amount": "10"}]),
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.allocations.0.invoice_number"]


def test_it_refuses_a_zero_or_negative_payment(client, collector):
    make_customer()
    response = _post(client, collector, URL, _payment_body(amount="-5"))
    assert response.status_code == 422
    assert _fields(response) == ["body.amount"]


def test_it_answers_409_for_a_reference_already_used(client, collector):
    make_customer()
    assert _post(client, collector, URL, _payment_body()).status_code == 201
    response = _post(client, collector, URL, _payment_body())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_it_allocates_an_existing_payment(client, collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    payment_id = _post(client, collector, URL, _payment_body()).json()["id"]
    response = _post(
        client,
        collector,
        f"{URL}/{payment_id}/allocations",
        {"invoice_id": invoice.pk, "amount": "120.00"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["payment_id"] == payment_id
    assert Payment.objects.get().unallocated_amount == Decimal("380.00")
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("180.00")


def test_it_refuses_to_allocate_more_than_the_payment_has_left(client, collector):
    invoice = make_invoice(make_customer(), "F1", "900.00")
    payment_id = _post(client, collector, URL, _payment_body()).json()["id"]
    response = _post(
        client,
        collector,
        f"{URL}/{payment_id}/allocations",
        {"invoice_number": "F1", "amount": "600"},
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.amount"]
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("900.00")


def test_it_answers_404_for_allocating_a_missing_payment(client, collector):
    make_invoice(make_customer(), "F1")
    response = _post(
        client, collector, f"{URL}/999/allocations", {"invoice_number": "F1", "amount": "1"}
    )
    assert response.status_code == 404


def test_it_lists_payments_with_filters_and_no_query_per_row(
    client, collector, read_only, django_assert_max_num_queries
):
    customer = make_customer()
    for n in range(6):
        invoice = make_invoice(customer, f"F{n}", "100.00")
        amount = "100.00" if n % 2 else "150.00"
        _post(
            client,
            collector,
            URL,
            _payment_body(
                reference=f"P{n}",
                amount=amount,
                allocations=[{"invoice_id": invoice.pk, "amount": "100.00"}],
            ),
        )
    headers = bearer(read_only, TokenScope.READ)
    with django_assert_max_num_queries(5):  # token, stamp, payments, allocations (+ savepoint)
        response = client.get(URL, **headers)
    assert response.status_code == 200
    assert len(response.json()["items"]) == 6
    assert all(len(p["allocations"]) == 1 for p in response.json()["items"])
    unallocated = client.get(f"{URL}?unallocated=true", **headers).json()["items"]
    assert sorted(p["reference"] for p in unallocated) == ["P0", "P2", "P4"]
    assert client.get(f"{URL}?customer_code=OTHER", **headers).json()["items"] == []


def test_it_gets_one_payment(client, collector, read_only):
    make_customer()
    payment_id = _post(client, collector, URL, _payment_body()).json()["id"]
    response = client.get(f"{URL}/{payment_id}", **bearer(read_only, TokenScope.READ))
    assert response.status_code == 200
    assert response.json()["reference"] == "VIR-2026-001"


def test_it_refuses_payments_to_a_read_only_token_and_a_department_member(
    client, collector, department_member
):
    make_customer()
    assert _post(client, collector, URL, _payment_body(), TokenScope.READ).status_code == 403
    assert _post(client, department_member, URL, _payment_body()).status_code == 403
    assert client.get(URL, **bearer(department_member)).status_code == 403
    assert client.get(URL).status_code == 401
