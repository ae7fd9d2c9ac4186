"""The imports pages: list, upload, batch result, applying a dry run; who may open them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from encaisse.imports.choices import BatchStatus
from encaisse.imports.models import ImportBatch
from encaisse.receivables.models import Invoice

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db

CSV = (
    "Code client;Raison sociale;N° facture;Date facture;Échéance;Montant TTC;Reste dû\n"
    "C1;Dupont SA;F1;15/01/2026;14/02/2026;1 200,00;1 200,00\n"
    "C2;Martin SARL;F2;31/01/2026;02/03/2026;999,99;999,99\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(content=CSV, name="open.csv", **options):
    data = {"file": SimpleUploadedFile(name, content.encode()), "format": "auto", "mode": ""}
    data.update(options)
    return data


def _batch(**options):
    return run(ledger([item("F1", "C1", "100.00")]), **options)


def test_it_lists_batches_with_their_counts(
    manager_client, credit_manager, django_assert_max_num_queries
):
    for _ in range(3):
        _batch(actor=credit_manager)
    with django_assert_max_num_queries(6):
        response = manager_client.get(reverse("imports:list"))
    assert response.status_code == 200
    assert response.content.decode().count("file.csv") == 3
    assert credit_manager.username in response.content.decode()


def test_it_imports_an_uploaded_file_and_shows_the_batch(manager_client, credit_manager, settings):
    response = manager_client.post(reverse("imports:new"), _upload(as_of="2026-03-31"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert batch.status == BatchStatus.APPLIED and batch.created_by == credit_manager
    assert batch.file_name == "open.csv" and str(batch.as_of) == "2026-03-31"
    assert (settings.MEDIA_ROOT / batch.stored_file).read_text() == CSV
    assert batch.stored_file.startswith("imports/")
    page = manager_client.get(response["Location"]).content.decode()
    assert 'data-count="invoices-created">2<' in page
    assert 'data-total="file">2' in page and "Dupont SA" in page


def test_it_shows_a_refused_file_with_its_rejected_rows(manager_client):
    bad = CSV + "C3;Durand;F3;01/02/2026;03/03/2026;12a;12a\n"
    response = manager_client.post(reverse("imports:new"), _upload(bad), follow=True)
    page = response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert 'id="failure"' in page and 'id="rejected"' in page and "12a" in page
    assert not Invoice.objects.exists()


def test_it_applies_a_dry_run_from_its_page(manager_client):
    manager_client.post(reverse("imports:new"), _upload(dry_run="on"))
    dry = ImportBatch.objects.get()
    assert dry.status == BatchStatus.DRY_RUN and not Invoice.objects.exists()
    page = manager_client.get(reverse("imports:detail", args=[dry.pk])).content.decode()
    assert reverse("imports:apply", args=[dry.pk]) in page
    response = manager_client.post(reverse("imports:apply", args=[dry.pk]))
    applied = ImportBatch.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == reverse("imports:detail", args=[applied.pk])
    assert applied.status == BatchStatus.APPLIED and applied.invoices_created == 2
    assert Invoice.objects.count() == 2


def test_it_refuses_to_apply_a_batch_that_is_not_a_dry_run(manager_client):
    batch = _batch()
    response = manager_client.post(reverse("imports:apply", args=[batch.pk]))
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


def test_it_highlights_customers_whose_totals_differ(manager_client):
    run(ledger([item("F1", "C1", "100.00"), item("F2", "C2", "50.00")]))
    # An incremental file without F1: C1's ledger balance keeps F1, beyond the file.
    batch = run(ledger([item("F3", "C1", "10.00"), item("F2", "C2", "50.00")]), mode="incremental")
    page = manager_client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    totals = page.split('id="totals"')[1]
    assert totals.count('class="differs"') == 1
    differing_row = totals.split('class="differs"')[1].split("</tr>")[0]
    assert "C1" in differing_row and "100,00" in differing_row


def test_it_refuses_a_file_over_the_size_limit(manager_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    response = manager_client.post(reverse("imports:new"), _upload())
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_mapping_that_is_not_json(manager_client):
    response = manager_client.post(reverse("imports:new"), _upload(mapping="{number: x"))
    assert response.status_code == 200 and response.context["form"].errors["mapping"]


def test_it_answers_404_for_a_missing_batch(manager_client):
    assert manager_client.get(reverse("imports:detail", args=[999])).status_code == 404


@pytest.mark.parametrize(
    "client_name", ["collector_client", "department_client", "read_only_client"]
)
@pytest.mark.parametrize("name", ["list", "new", "detail", "apply"])
def test_it_forbids_users_who_may_not_import(request, client_name, name):
    batch = _batch(dry_run=True)
    client = request.getfixturevalue(client_name)
    url = reverse(f"imports:{name}", args=[batch.pk] if name in ("detail", "apply") else [])
    response = client.post(url) if name == "apply" else client.get(url)
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize("name", ["list", "new", "detail"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, name):
    url = reverse(f"imports:{name}", args=[1] if name == "detail" else [])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
