import datetime as dt
from decimal import Decimal

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.audit.models import AuditEntry
from encaisse.core.dates import today
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.models import Invoice

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def _post(client, user, body, url=URL, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def _fields(response):
    return [f["field"] for f in response.json()["error"]["fields"]]


# Listing ---------------------------------------------------------------------------------------


def test_it_lists_invoices_with_their_customer_and_amounts_as_strings(client, read_only):
    make_invoice(make_customer(), "F1", "1200.50")
    response = client.get(URL, **bearer(read_only, TokenScope.READ))
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["number"] == "F1"
    assert item["amount"] == "1200.50"
    assert item["customer"] == {"id": item["customer"]["id"], "code": "C1", "name": "Dupont SA"}
    assert response.json()["next_cursor"] is None


def test_it_filters_the_list(client, read_only):
    dupont, martin = make_customer("C1"), make_customer("C2", "Martin SARL")
    make_invoice(dupont, "LATE", "100.00", due=today() - dt.timedelta(days=10))
    make_invoice(dupont, "SOON", "5000.00", due=today() + dt.timedelta(days=10))
    make_invoice(martin, "PAID", "300.00", open_amount="0", status=InvoiceStatus.SETTLED)
    make_credit_note(martin, "AV1")
    headers = bearer(read_only, TokenScope.READ)

    def numbers(query):
        response = client.get(f"{URL}?{query}", **headers)
        assert response.status_code == 200, response.json()
        return sorted(item["number"] for item in response.json()["items"])

    assert numbers("overdue=true") == ["LATE"]
    assert numbers("overdue=false") == ["AV1", "PAID", "SOON"]
    assert numbers("status=settled") == ["PAID"]
    assert numbers("customer_code=C2") == ["AV1", "PAID"]
    assert numbers(f"customer_id={dupont.pk}") == ["LATE", "SOON"]
    assert numbers("kind=credit_note") == ["AV1"]
    assert numbers("min_amount=200&max_amount=1000") == ["PAID"]
    assert numbers(f"due_before={today().isoformat()}&kind=invoice") == ["LATE", "PAID"]
    assert numbers(f"due_after={today().isoformat()}") == ["SOON"]
    assert numbers("number=SOON") == ["SOON"]


def test_it_pages_with_a_cursor_and_caps_the_limit(client, read_only):
    customer = make_customer()
    for n in range(5):
        make_invoice(customer, f"F{n}")
    headers = bearer(read_only, TokenScope.READ)
    first = client.get(f"{URL}?limit=2", **headers).json()
    assert [i["number"] for i in first["items"]] == ["F0", "F1"]
    second = client.get(f"{URL}?limit=2&cursor={first['next_cursor']}", **headers).json()
    assert [i["number"] for i in second["items"]] == ["F2", "F3"]
    last = client.get(f"{URL}?limit=2&cursor={second['next_cursor']}", **headers).json()
    assert [i["number"] for i in last["items"]] == ["F4"]
    assert last["next_cursor"] is None
    too_many = client.get(f"{URL}?limit=501", **headers)
    assert too_many.status_code == 422
    assert _fields(too_many) == ["query.limit"]
    assert client.get(f"{URL}?cursor=abc", **headers).status_code == 422


def test_it_lists_without_a_query_per_invoice(client, read_only, django_assert_max_num_queries):
    for code in ("C1", "C2", "C3"):
        customer = make_customer(code, f"Client {code}")
        for n in range(10):
            make_invoice(customer, f"{code}-{n}")
    headers = bearer(read_only, TokenScope.READ)
    with django_assert_max_num_queries(4):  # token, last-used stamp, invoices (+ savepoint)
        response = client.get(URL, **headers)
    assert len(response.json()["items"]) == 30


def test_it_refuses_the_list_to_a_department_member(client, department_member):
    response = client.get(URL, **bearer(department_member))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_it_refuses_the_list_without_a_token(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


# One invoice -----------------------------------------------------------------------------------


def test_it_gets_one_invoice_by_id_and_by_number(client, read_only):
    invoice = make_invoice(make_customer(), "FA-2026/001", due=today() - dt.timedelta(days=12))
    headers = bearer(read_only, TokenScope.READ)
    by_id = client.get(f"{URL}/{invoice.pk}", **headers)
    assert by_id.status_code == 200
    assert by_id.json()["days_overdue"] == 12
    by_number = client.get(f"{URL}/by-number/FA-2026%2F001", **headers)
    assert by_number.status_code == 200, by_number.content
    assert by_number.json()["id"] == invoice.pk


def test_it_prefers_the_invoice_when_a_credit_note_shares_its_number(client, read_only):
    customer = make_customer()
    note = make_credit_note(customer, "X1")
    invoice = make_invoice(customer, "X1")
    headers = bearer(read_only, TokenScope.READ)
    assert client.get(f"{URL}/by-number/X1", **headers).json()["id"] == invoice.pk
    assert client.get(f"{URL}/by-number/X1?kind=credit_note", **headers).json()["id"] == note.pk


def test_it_answers_404_in_the_error_shape(client, read_only):
    headers = bearer(read_only, TokenScope.READ)
    for url in (f"{URL}/999999", f"{URL}/by-number/NOPE"):
        response = client.get(url, **headers)
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "Not found.", "fields": []}
        }


# Create ----------------------------------------------------------------------------------------


def test_it_creates_an_invoice_for_a_customer_named_by_code(client, collector):
    make_customer(terms_kind="net", terms_days=45)
    response = _post(
        client,
        collector,
        {"customer_code": "C1", "number": "F1", "issue_date": "2026-01-10", "amount": 1200.5},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["due_date"], body["source"]) == ("1200.50", "2026-02-24", "api")
    invoice = Invoice.objects.get(number="F1")
    assert invoice.amount == Decimal("1200.50")
    assert invoice.source == Source.API
    assert AuditEntry.objects.get(action="create", object_id=str(invoice.pk)).actor == collector


def test_it_creates_an_invoice_for_a_customer_named_by_id(client, collector):
    customer = make_customer()
    response = _post(
        client,
        collector,
        {
            "customer_id": customer.pk,
            "number": "F1",
            "issue_date": "2026-01-10",
            "due_date": "2026-01-31",
            "amount": "99.99",
            "open_amount": "50",
        },
    )
    assert response.status_code == 201
    assert (response.json()["open_amount"], response.json()["due_date"]) == ("50.00", "2026-01-31")


def test_it_answers_409_conflict_for_a_number_already_used(client, collector):
    make_invoice(make_customer(), "F1")
    response = _post(
        client,
        collector,
        {"customer_code": "C1", "number": "F1", "issue_date": "2026-01-10", "amount": "1"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert _fields(response) == ["body.number"]


def test_it_names_the_invalid_fields(client, collector):
    make_customer()
    response = _post(
        client,
        collector,
        {"customer_code": "C1", "number": "F1", "issue_date": "10/01/2026", "amount": "1,5"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert sorted(_fields(response)) == ["body.amount", "body.issue_date"]


def test_it_names_a_service_refusal_as_a_body_field(client, collector):
    make_customer()
    response = _post(
        client,
        collector,
        {
            "customer_code": "C1",
            "number": "F1",
            "issue_date": "2026-01-10",
            "amount": "100",
            "open_amount": "150",
        },
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.open_amount"]


def test_it_names_an_unknown_customer(client, collector):
    response = _post(
        client,
        collector,
        {"customer_code": "NOPE", "number": "F1", "issue_date": "2026-01-10", "amount": "1"},
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.customer_code"]
    missing = _post(client, collector, {"number": "F1", "issue_date": "2026-01-10", "amount": "1"})
    assert missing.status_code == 422


def test_it_refuses_a_read_only_token_that_writes(client, credit_manager):
    make_customer()
    response = _post(
        client,
        credit_manager,
        {"customer_code": "C1", "number": "F1", "issue_date": "2026-01-10", "amount": "1"},
        scope=TokenScope.READ,
    )
    assert response.status_code == 403
    assert not Invoice.objects.exists()


def test_it_refuses_a_read_only_user_whatever_the_token_scope(client, read_only):
    make_customer()
    response = _post(
        client,
        read_only,
        {"customer_code": "C1", "number": "F1", "issue_date": "2026-01-10", "amount": "1"},
    )
    assert response.status_code == 403


# Update ----------------------------------------------------------------------------------------


def test_it_patches_only_the_fields_sent(client, collector):
    invoice = make_invoice(make_customer(), "F1", "1000.00", reference="PO-1")
    response = client.patch(
        f"{URL}/{invoice.pk}",
        {"open_amount": "0", "label": "Paid by cheque"},
        content_type="application/json",
        **bearer(collector),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["open_amount"], body["label"], body["reference"]) == (
        "settled",
        "0.00",
        "Paid by cheque",
        "PO-1",
    )


def test_it_refuses_an_inconsistent_patch(client, collector):
    invoice = make_invoice(make_customer(), "F1", "1000.00")
    response = client.patch(
        f"{URL}/{invoice.pk}",
        {"due_date": "2020-01-01"},
        content_type="application/json",
        **bearer(collector),
    )
    assert response.status_code == 422
    assert _fields(response) == ["body.due_date"]


def test_it_answers_404_when_patching_a_missing_invoice(client, collector):
    response = client.patch(
        f"{URL}/424242", {"label": "x"}, content_type="application/json", **bearer(collector)
    )
    assert response.status_code == 404


def test_it_refuses_a_patch_from_a_department_member(client, department_member):
    invoice = make_invoice(make_customer())
    response = client.patch(
        f"{URL}/{invoice.pk}",
        {"label": "x"},
        content_type="application/json",
        **bearer(department_member),
    )
    assert response.status_code == 403


def test_it_pages_open_invoices_in_due_date_order(client, read_only):
    customer = make_customer()
    for n, days in enumerate([30, 10, 20, 10, 40]):
        make_invoice(customer, f"F{n}", due=today() + dt.timedelta(days=days))
    make_invoice(customer, "PAID", open_amount="0", status=InvoiceStatus.SETTLED)
    headers = bearer(read_only, TokenScope.READ)
    seen, cursor = [], ""
    for _page in range(3):
        body = client.get(f"{URL}?status=open&limit=2&cursor={cursor}", **headers).json()
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["F1", "F3", "F2", "F0", "F4"]
    bad = client.get(f"{URL}?status=open&cursor=12", **headers)
    assert bad.status_code == 422
    assert _fields(bad) == ["query.cursor"]
