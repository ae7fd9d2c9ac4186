"""A credit manager opens the monthly reports from the insights dashboard, generates December's
report, downloads it (read back with pypdf) and chooses who receives the reports by email."""

import pytest
from pypdf import PdfReader

from encaisse.accounts.choices import Role
from encaisse.insights.reports import report_settings_get
from encaisse.insights.tests.ledger import worked_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_generates_downloads_and_chooses_recipients(
    page, live_server, manager, login, shot, tmp_path, settings, django_user_model
):
    settings.MEDIA_ROOT = tmp_path / "media"
    worked_ledger()
    reader = django_user_model.objects.create_user(
        "rita", email="rita@encaisse.example", role=Role.READ_ONLY, first_name="Rita"
    )
    login()
    page.click("#insights-link")
    page.click("#reports-link")
    page.wait_for_url("**/insights/reports/")
    assert page.locator("h1").inner_text() == "Rapports mensuels"
    page.fill("#id_month", "2025-12")
    page.select_option("#id_language", "fr")
    page.click("#generate-form button[type=submit]")
    page.wait_for_selector('[data-report="2025-12-fr"]')
    row = page.locator('[data-report="2025-12-fr"]')
    assert "décembre 2025" in row.inner_text() and "Généré" in row.inner_text()

    with page.expect_download() as info:
        row.locator("a.download").click()
    download = info.value
    assert download.suggested_filename == "encaisse-report-2025-12-fr.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Rapport mensuel du poste clients" in text and "Balance âgée par segment" in text

    page.check(f'#recipients-form input[value="{reader.pk}"]')
    page.click("#recipients-form button[type=submit]")
    page.wait_for_selector("text=Les destinataires du rapport mensuel sont enregistrés.")
    assert list(report_settings_get().recipients.all()) == [reader]
    assert page.is_checked(f'#recipients-form input[value="{reader.pk}"]')
    shot("insights-reports")
