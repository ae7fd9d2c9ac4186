"""The disputes API: register, list, get, transition, comment, codification; permissions per
role and department; query counts on the list."""

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.accounts.models import Department
from encaisse.api.tests.tokens import bearer
from encaisse.disputes.choices import Status
from encaisse.dunning.models import Block

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db

URL = "/api/v1/disputes"


def _post(client, user, body, url=URL, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def _fields(response):
    return [f["field"] for f in response.json()["error"]["fields"]]


def test_it_registers_a_dispute_with_invoice_amounts(client, collector):
    customer = make_customer()
    make_invoice(customer, "F1", "10000.00")
    f2 = make_invoice(customer, "F2", "500.00")
    body = {
        "customer_id": customer.pk,
        "invoices": [
            {"invoice_number": "F1", "disputed_amount": "2500.00"},
            {"invoice_id": f2.pk, "disputed_amount": 500},
        ],
        "origin": "email",
        "words": "Remise non appliquée",
        "raised_on": "2026-03-02",
        "reason_code": "A1",
    }
    response = _post(client, collector, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["number"].startswith("LIT-")
    assert data["status"] == "qualified" and data["department"] == "billing"
    assert data["disputed_total"] == "3000.00"
    assert [(i["invoice_number"], i["disputed_amount"]) for i in data["invoices"]] == [
        ("F1", "2500.00"),
        ("F2", "500.00"),
    ]
    assert data["target_date"] == "2026-03-16"
    assert [e["type"] for e in data["timeline"]] == ["opened", "transition"]
    assert Block.objects.filter(kind="dispute", released_at__isnull=True).count() == 2


def test_it_names_the_bad_field(client, collector):
    customer = make_customer()
    make_invoice(customer, "F1", "100.00")
    body = {
        "customer_id": customer.pk,
        "invoices": [{"invoice_number": "F1", "disputed_amount": "150.00"}],
    }
    response = _post(client, collector, body)
    assert response.status_code == 422
    assert _fields(response) == ["body.invoices.0.disputed_amount"]
    body["invoices"][0]["invoice_number"] = "NOPE"
    assert _fields(_post(client, collector, body)) == ["body.invoices.0.invoice_number"]
    body["reason_code"] = "Z9"
    body["invoices"][0]["invoice_number"] = "F1"
    body["invoices"][0]["disputed_amount"] = "10"
    assert _fields(_post(client, collector, body)) == ["body.reason_code"]


def test_it_moves_a_dispute_and_refuses_a_move_the_workflow_forbids(client, collector):
    dispute = open_dispute(collector)
    url = f"{URL}/{dispute.pk}/transitions"
    refused = _post(client, collector, {"to": "closed"}, url)
    assert refused.status_code == 422
    assert _fields(refused) == ["body.status"]
    moved = _post(client, collector, {"to": "in_progress", "comment": "Je m'en occupe"}, url)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "in_progress"
    resolved = _post(
        client,
        collector,
        {
            "to": "resolved",
            "outcome": "credit_note",
            "founded": True,
            "root_cause": "billing-error",
            "credit_note_number": "AV-1",
            "credit_note_amount": "2500.00",
        },
        url,
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["allowed_next"] == ["in_progress", "closed"]
    reopened = _post(client, collector, {"to": "in_progress", "comment": "Avoir erroné"}, url)
    assert reopened.json()["status"] == Status.IN_PROGRESS


def test_it_comments(client, department_member, collector):
    dispute = open_dispute(collector)
    response = _post(client, department_member, {"comment": "Vu"}, f"{URL}/{dispute.pk}/comments")
    assert response.status_code == 201
    assert response.json()["type"] == "comment"


def test_it_scopes_department_members_to_their_department(client, collector, department_member):
    billing_dispute = open_dispute(collector, reason="A1")
    other = make_customer("C2", "Autre")
    logistics_dispute = open_dispute(
        collector, customer=other, lines=[(make_invoice(other, "F9"), "10.00")], reason="B1"
    )
    headers = bearer(department_member, TokenScope.READ)
    listed = client.get(URL, **headers).json()["items"]
    assert [d["number"] for d in listed] == [billing_dispute.number]
    assert client.get(f"{URL}/{logistics_dispute.pk}", **headers).status_code == 404
    assert (
        _post(client, department_member, {"comment": "x"}, f"{URL}/{logistics_dispute.pk}/comments")
    ).status_code == 404
    # Registering needs the ledger, which department members do not see.
    body = {"customer_id": other.pk, "invoices": [{"invoice_number": "F9", "disputed_amount": 1}]}
    assert _post(client, department_member, body).status_code == 403


def test_it_lets_read_only_read_but_not_write(client, read_only, collector):
    dispute = open_dispute(collector)
    assert client.get(URL, **bearer(read_only, TokenScope.READ)).status_code == 200
    response = _post(client, read_only, {"comment": "x"}, f"{URL}/{dispute.pk}/comments")
    assert response.status_code == 403
    read_token = _post(
        client, collector, {"comment": "x"}, f"{URL}/{dispute.pk}/comments", TokenScope.READ
    )
    assert read_token.status_code == 403


def test_it_answers_401_without_a_token(client):
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/reason-codes").status_code == 401


def test_it_filters_the_list(client, collector):
    customer = make_customer()
    first = open_dispute(collector, customer=customer)
    open_dispute(
        collector, customer=customer, lines=[(make_invoice(customer, "F2"), "1")], reason="B1"
    )
    headers = bearer(collector)

    def numbers(query):
        return [d["number"] for d in client.get(f"{URL}?{query}", **headers).json()["items"]]

    assert numbers("department=billing") == [first.number]
    assert numbers("reason_code=A1") == [first.number]
    assert numbers("status=new") == []
    assert len(numbers("late=true")) == 2  # raised in March 2026, targets long past
    page = client.get(f"{URL}?limit=1", **headers).json()
    assert page["next_cursor"] == str(first.pk)


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, collector, django_assert_max_num_queries
):
    customer = make_customer()
    for n in range(6):
        open_dispute(collector, customer=customer, lines=[(make_invoice(customer, f"F{n}"), "1")])
    headers = bearer(collector)
    with django_assert_max_num_queries(4):
        response = client.get(URL, **headers)
    assert len(response.json()["items"]) == 6


def test_it_lists_the_codification(client, department_member):
    headers = bearer(department_member, TokenScope.READ)
    codes = client.get(f"{URL}/reason-codes", **headers).json()
    assert {"code": "A1", "department": "billing"}.items() <= codes[0].items()
    assert len(client.get(f"{URL}/categories", **headers).json()) == 7
    assert client.get(f"{URL}/root-causes", **headers).status_code == 200
    departments = client.get(f"{URL}/departments", **headers).json()
    assert {d["code"] for d in departments} == set(
        Department.objects.values_list("code", flat=True)
    )


def test_it_attaches_evidence_and_serves_it_only_to_who_may_see_the_dispute(
    client, collector, department_member, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n%%EOF\n"
    dispute = open_dispute(collector, reason="B1")  # logistics: not denis's department
    url = f"{URL}/{dispute.pk}/evidence"
    refused = client.post(
        url, {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00")}, **bearer(collector)
    )
    assert refused.status_code == 422 and _fields(refused) == ["body.file"]
    response = client.post(url, {"file": SimpleUploadedFile("bl.pdf", pdf)}, **bearer(collector))
    assert response.status_code == 201, response.json()
    evidence = response.json()
    assert evidence["content_type"] == "application/pdf" and evidence["size"] == len(pdf)
    download = client.get(f"{url}/{evidence['id']}", **bearer(collector, TokenScope.READ))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf
    assert download["X-Content-Type-Options"] == "nosniff"
    headers = bearer(department_member, TokenScope.READ)
    assert client.get(f"{url}/{evidence['id']}", **headers).status_code == 404
    detail = client.get(f"{URL}/{dispute.pk}", **bearer(collector, TokenScope.READ)).json()
    assert [e["original_name"] for e in detail["evidence"]] == ["bl.pdf"]
