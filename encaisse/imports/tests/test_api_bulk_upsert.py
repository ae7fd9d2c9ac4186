"""POST /api/v1/imports/invoices/bulk: an ERP pushes invoices in one request."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.audit.models import AuditEntry
from encaisse.customers.models import Customer
from encaisse.imports.choices import BatchStatus, ImportFormat, ImportMode
from encaisse.imports.models import ImportBatch
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus, Source
from encaisse.receivables.models import Invoice

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/invoices/bulk"


def _invoice(number, code="C1", amount="100.00", **extra):
    return {
        "customer_code": code,
        "customer_name": f"Client {code}",
        "number": number,
        "issue_date": "2026-01-15",
        "amount": amount,
        **extra,
    }


def _push(client, user, invoices, scope=TokenScope.READ_WRITE, **options):
    return client.post(
        URL,
        {"invoices": invoices, **options},
        content_type="application/json",
        **bearer(user, scope),
    )


def test_it_creates_invoices_and_missing_customers(client, credit_manager):
    response = _push(
        client,
        credit_manager,
        [
            _invoice("F1", due_date="2026-02-28", open_amount="40.00", label="Janvier"),
            _invoice("AV1", kind="credit_note", amount="-25.00"),
            _invoice("F2", "C2", amount=1200.5, currency="eur"),
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["customers_created"], body["errors"]) == (3, 2, [])
    batch = ImportBatch.objects.get(pk=body["batch_id"])
    assert (batch.format, batch.mode, batch.status) == (
        ImportFormat.API,
        ImportMode.INCREMENTAL,
        BatchStatus.APPLIED,
    )
    f1 = Invoice.objects.get(number="F1")
    assert (f1.open_amount, f1.due_date, f1.label, f1.source) == (
        Decimal("40.00"),
        dt.date(2026, 2, 28),
        "Janvier",
        Source.API,
    )
    credit = Invoice.objects.get(number="AV1")
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.amount == Decimal("-25.00")
    assert Invoice.objects.get(number="F2").due_date == dt.date(2026, 2, 14)
    assert Customer.objects.get(code="C2").name == "Client C2"
    assert AuditEntry.objects.filter(action="import", object_id=str(batch.pk)).exists()


def test_it_updates_what_it_pushed_before_and_settles_nothing_absent(client, credit_manager):
    run(ledger([item("FILE1", "C1", "10.00")]))
    _push(client, credit_manager, [_invoice("F1"), _invoice("F2")])
    response = _push(client, credit_manager, [_invoice("F1", open_amount="0")])
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 0)
    assert Invoice.objects.get(number="F1").status == InvoiceStatus.SETTLED
    assert Invoice.objects.get(number="F2").status == InvoiceStatus.OPEN
    assert Invoice.objects.get(number="FILE1").status == InvoiceStatus.OPEN


def test_it_refuses_the_whole_push_naming_each_bad_item(client, credit_manager):
    response = _push(
        client,
        credit_manager,
        [
            _invoice("F1"),
            _invoice("F2", open_amount="500.00"),
            _invoice("F3", amount="-5.00"),
            _invoice("F1"),
        ],
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [f["field"] for f in error["fields"]] == [
        "body.invoices.1.open_amount",
        "body.invoices.2.amount",
        "body.invoices.3.number",
    ]
    assert not Invoice.objects.exists() and not Customer.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.FAILED


def test_it_applies_the_valid_items_when_asked_to_skip_the_others(client, credit_manager):
    response = _push(
        client,
        credit_manager,
        [_invoice("F1"), _invoice("F2", open_amount="500.00")],
        skip_invalid=True,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["errors"][0]["field"] == "body.invoices.1.open_amount"


def test_it_names_schema_errors_by_item_and_field(client, credit_manager):
    response = _push(client, credit_manager, [_invoice("F1"), _invoice("F2", amount="abc")])
    assert response.status_code == 422
    fields = [f["field"] for f in response.json()["error"]["fields"]]
    assert "body.invoices.1.amount" in fields
    assert not ImportBatch.objects.exists()


def test_it_writes_nothing_on_a_dry_run(client, credit_manager):
    response = _push(client, credit_manager, [_invoice("F1")], dry_run=True)
    assert response.json()["status"] == "dry_run" and response.json()["created"] == 1
    assert not Invoice.objects.exists()


def test_it_requires_a_token(client):
    response = client.post(URL, {"invoices": [_invoice("F1")]}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_it_refuses_a_read_only_token(client, credit_manager):
    response = _push(client, credit_manager, [_invoice("F1")], scope=TokenScope.READ)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("persona", ["collector", "read_only", "department_member"])
def test_it_refuses_roles_that_may_not_import(request, client, persona):
    response = _push(client, request.getfixturevalue(persona), [_invoice("F1")])
    assert response.status_code == 403
    assert not Invoice.objects.exists() and not ImportBatch.objects.exists()
