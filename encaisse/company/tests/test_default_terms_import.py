"""The default terms chosen on the settings page are what the next import dates invoices with."""

import datetime as dt

import pytest
from django.urls import reverse

from encaisse.imports.choices import BatchStatus
from encaisse.imports.services import import_file
from encaisse.receivables.models import Invoice

pytestmark = pytest.mark.django_db

# An open-items CSV without a due date column, as many accounting exports give.
CSV = (
    "Code client;Raison sociale;N° facture;Date facture;Montant TTC;Reste dû\n"
    "C1;Dupont SA;F1;15/01/2026;1 200,00;1 200,00\n"
    "C2;Martin SARL;F2;31/01/2026;300,00;300,00\n"
)


def _import(tmp_path, actor):
    path = tmp_path / "open-items.csv"
    path.write_text(CSV, encoding="utf-8")
    batch = import_file(actor=actor, path=path)
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    return {i.number: i.due_date for i in Invoice.objects.all()}


def test_it_dates_the_next_import_with_the_terms_saved_on_the_settings_page(
    tmp_path, manager_client, credit_manager
):
    assert _import(tmp_path, credit_manager) == {
        "F1": dt.date(2026, 2, 14),  # 30 days, the installation's default
        "F2": dt.date(2026, 3, 2),
    }
    Invoice.objects.all().delete()
    response = manager_client.post(
        reverse("company:settings"),
        {
            "name": "Ma Société",
            "default_terms_kind": "eom",
            "default_terms_days": "45",
            "aging_bucket_bounds": "30, 60, 90",
        },
    )
    assert response.status_code == 302
    assert _import(tmp_path, credit_manager) == {
        "F1": dt.date(2026, 3, 31),  # 45 days end of month
        "F2": dt.date(2026, 3, 31),
    }
