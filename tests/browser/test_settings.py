"""A credit manager changes the default payment terms and the ageing buckets, then finds the
change in the audit log."""

import pytest

from encaisse.audit.models import AuditEntry
from encaisse.company.selectors import company_get
from encaisse.core.dates import TermsKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_changes_the_terms_and_buckets_then_finds_them_in_the_log(
    page, live_server, manager, login, shot
):
    login()
    page.click(".usermenu a[href='/settings/company/']")
    page.wait_for_selector("#terms-examples")
    page.select_option("#id_default_terms_kind", TermsKind.END_OF_MONTH)
    page.fill("#id_default_terms_days", "45")
    page.fill("#id_aging_bucket_bounds", "15, 30, 60, 90")
    # The preview follows the typing: the new columns and the chosen terms.
    page.wait_for_selector("#bucket-preview li:has-text('16–30 jours')")
    page.wait_for_selector("#terms-examples tr.current:has-text('N jours fin de mois')")
    shot("settings-company")
    page.click("#company-form button.primary")
    page.wait_for_selector(".message:has-text('Les paramètres de la société ont été enregistrés.')")
    page.wait_for_selector("#history td:has-text('claire')")
    page.fill("#id_siren", "123")
    page.click("#company-form button.primary")
    page.wait_for_selector("#field-siren .errorlist")
    shot("settings-company-error")
    company = company_get()
    assert (company.default_terms_kind, company.default_terms_days) == (TermsKind.END_OF_MONTH, 45)
    assert company.aging_bucket_bounds == [15, 30, 60, 90]

    page.click(".usermenu a[href='/audit/']")
    page.select_option("#id_object_type", "company.company")
    page.click("#audit-filters button.primary")
    row = page.locator("#audit-entries tbody tr").first
    row.wait_for()
    text = row.inner_text()
    assert "claire" in text
    assert "N jours → N jours fin de mois" in text
    assert "30 → 45" in text
    assert "30, 60, 90 → 15, 30, 60, 90" in text
    shot("audit-log")
    assert AuditEntry.objects.filter(object_type="company.company").count() == 1


def test_a_credit_manager_adds_a_segment(page, live_server, manager, login, shot):
    login()
    page.goto(f"{live_server.url}/settings/segments/")
    page.click("a[href='/settings/segments/new/']")
    page.fill("#id_code", "export")
    page.fill("#id_name", "Export")
    page.click("button.primary")
    page.wait_for_selector("#segments a:has-text('export')")
    shot("settings-segments")
    page.click("#segments a:has-text('export')")
    page.wait_for_selector("#segment-delete")
    shot("settings-segment")
