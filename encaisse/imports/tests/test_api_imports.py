"""POST /api/v1/imports (upload) and GET /api/v1/imports/{id}: status, counts, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.imports.choices import BatchStatus
from encaisse.imports.models import ImportBatch
from encaisse.receivables.models import Invoice

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports"
CSV = (
    "Code client;Raison sociale;N° facture;Date facture;Échéance;Montant TTC;Reste dû\n"
    "C1;Dupont SA;F1;15/01/2026;14/02/2026;1 200,00;1 200,00\n"
    "C2;Martin SARL;F2;31/01/2026;02/03/2026;999,99;999,99\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, user, content=CSV, scope=TokenScope.READ_WRITE, **fields):
    data = {"file": SimpleUploadedFile("open.csv", content.encode()), **fields}
    return client.post(URL, data, **bearer(user, scope))


def test_it_imports_an_uploaded_file(client, credit_manager):
    response = _post(client, credit_manager, as_of="2026-03-31")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "applied" and body["invoices_created"] == 2
    assert body["as_of"] == "2026-03-31" and body["created_by"] == credit_manager.username
    assert body["file_totals"] == {
        "overall": "2199.99",
        "customers": {"C1": "1200.00", "C2": "999.99"},
    }
    assert Invoice.objects.count() == 2


def test_it_runs_a_dry_run_with_the_options_given(client, credit_manager):
    response = _post(client, credit_manager, dry_run="true", mode="incremental", format="csv")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["mode"]) == ("dry_run", "incremental")
    assert not Invoice.objects.exists()


def test_it_answers_422_naming_the_bad_line_of_a_refused_file(client, credit_manager):
    response = _post(client, credit_manager, CSV + "C3;D;F3;01/02/2026;03/03/2026;12a;12a\n")
    assert response.status_code == 422
    error = response.json()["error"]
    batch = ImportBatch.objects.get()
    assert error["code"] == "validation_error" and f"Import {batch.pk} failed" in error["message"]
    assert error["fields"][0]["field"] == "body.file"
    assert "line 4" in error["fields"][0]["message"]
    assert batch.status == BatchStatus.FAILED and not Invoice.objects.exists()


def test_it_refuses_a_mapping_that_is_not_a_json_object(client, credit_manager):
    response = _post(client, credit_manager, mapping="[1, 2]")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.mapping"
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, credit_manager, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    response = _post(client, credit_manager)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.file"


def test_it_gives_a_batch_status_and_counts(client, read_only):
    batch = run(ledger([item("F1", "C1", "10.00", "4.00")]))
    response = client.get(f"{URL}/{batch.pk}", **bearer(read_only, TokenScope.READ))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["invoices_created"]) == (batch.pk, "applied", 1)
    assert body["imported_totals"]["overall"] == "4.00" and body["errors"] == []


def test_it_answers_404_for_a_missing_batch(client, read_only):
    response = client.get(f"{URL}/999", **bearer(read_only))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_requires_a_token(client):
    assert client.post(URL, {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 401
    response = client.get(f"{URL}/1")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_it_refuses_an_upload_with_a_read_only_token(client, credit_manager):
    response = _post(client, credit_manager, scope=TokenScope.READ)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", ["collector", "read_only", "department_member"])
def test_it_refuses_an_upload_from_roles_that_may_not_import(request, client, persona):
    response = _post(client, request.getfixturevalue(persona))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_it_hides_batches_from_department_members(client, department_member):
    batch = run(ledger([item("F1")]))
    response = client.get(f"{URL}/{batch.pk}", **bearer(department_member))
    assert response.status_code == 403
