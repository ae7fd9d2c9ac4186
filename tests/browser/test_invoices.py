"""A collector filters the overdue invoices, opens one and corrects its reference."""

import datetime as dt

import pytest

from encaisse.accounts.choices import Role
from encaisse.core.dates import today
from encaisse.receivables.tests.factories import make_credit_note, make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ledger():
    dupont = make_customer("C001", "Dupont SA")
    make_invoice(dupont, "FA-001", "1200.00", due=today() - dt.timedelta(days=45))
    make_invoice(dupont, "FA-002", "300.00", due=today() + dt.timedelta(days=15))
    make_credit_note(dupont, "AV-001", "-100.00", due=today() - dt.timedelta(days=5))
    martin = make_customer("C002", "Martin SARL")
    make_invoice(martin, "FA-003", "2500.00", due=today() - dt.timedelta(days=5))


def test_a_collector_filters_overdue_invoices_and_opens_one(
    page, live_server, django_user_model, login, shot
):
    django_user_model.objects.create_user(
        username="colin", password="demo-password", role=Role.COLLECTOR
    )
    _ledger()
    login("colin")
    page.goto(f"{live_server.url}/invoices/")
    rows = page.locator("#invoices tbody tr")
    assert rows.count() == 4
    shot("invoices-list")

    page.select_option("#id_status", "overdue")  # htmx refreshes the table
    page.wait_for_url("**status=overdue**")
    assert [r.get_attribute("data-number") for r in rows.all()] == ["FA-001", "FA-003"]
    assert page.locator("tr[data-number=FA-001] .badge").inner_text() == "45"
    assert "status=overdue" in page.locator("#export-xlsx").get_attribute("href")
    shot("invoices-overdue")

    page.fill("#id_customer", "martin")
    page.wait_for_url("**customer=martin**")
    assert [r.get_attribute("data-number") for r in rows.all()] == ["FA-003"]

    page.click("tr[data-number=FA-003] a:has-text('FA-003')")
    page.wait_for_url("**/invoices/*/")
    assert page.locator("h1").inner_text() == "Facture FA-003"
    assert "5 jours de retard" in page.locator("[data-fact=status]").inner_text()
    page.fill("#id_reference", "BC-2026-17")
    page.click("#invoice-edit button[type=submit]")
    page.wait_for_selector(".message")
    assert page.locator("[data-fact=reference]").inner_text() == "BC-2026-17"
    assert "BC-2026-17" in page.locator("#history").inner_text()
    shot("invoice-detail")
