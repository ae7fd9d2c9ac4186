"""A credit manager reads the aged balance by group (switches the grouping, drills down from a
segment to its customers and on to the invoices of one bucket, exports to Excel), then the
customer risk view (sorts, filters to customers over their limit, opens one customer and finds
the same figures on its risk card)."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from encaisse.core.dates import today
from encaisse.customers.models import Segment
from encaisse.insights.tests.risk_ledger import risk_ledger
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _aged_ledger():
    day = today()
    key = Segment.objects.create(code="key", name="Grands comptes")
    dupont = make_customer("C1", "Dupont SA", segment=key)
    make_invoice(
        dupont, "F-LATE", "2500.00", issued=day - dt.timedelta(75), due=day - dt.timedelta(45)
    )
    make_invoice(
        dupont, "F-SOON", "4000.00", issued=day - dt.timedelta(5), due=day + dt.timedelta(25)
    )
    leroy = make_customer("C3", "Leroy SAS", segment=key)
    make_invoice(
        leroy, "F-OLD", "300.00", issued=day - dt.timedelta(150), due=day - dt.timedelta(120)
    )
    martin = make_customer("C2", "Martin SARL")
    make_invoice(
        martin, "F-NOV", "3500.00", issued=day - dt.timedelta(40), due=day - dt.timedelta(10)
    )


def test_a_credit_manager_groups_drills_down_and_exports_the_aged_balance(
    page, live_server, manager, login, shot, tmp_path
):
    _aged_ledger()
    login()
    page.click("#insights-link")
    page.click("#aged-link")
    page.wait_for_url("**/insights/aged/**")
    assert page.locator("h1").inner_text() == "Balance âgée par groupe"
    assert page.locator("#aged-chart rect").count() > 3
    assert page.locator('[data-total="balance"]').inner_text() == "10\u202f300,00"
    shot("insights-aged-segment")

    page.click('#aged-grouping [data-group="collector"]')
    page.wait_for_url("**group=collector**")
    assert page.locator("#aged-groups tbody tr").count() == 1  # nobody collects them yet
    assert page.locator('[data-total="balance"]').inner_text() == "10\u202f300,00"
    page.click('#aged-grouping [data-group="segment"]')
    page.wait_for_url("**group=segment**")

    page.click("#aged-groups a[data-drill]")
    page.wait_for_url("**group=customer**")
    assert page.locator("#aged-groups tbody tr").count() == 2  # Dupont and Leroy
    assert page.locator('[data-total="balance"]').inner_text() == "6\u202f800,00"
    shot("insights-aged-customers")
    page.click('#aged-groups tr:has-text("Dupont") td[data-bucket="days_31_60"] a')
    page.wait_for_url("**/invoices/?**bucket=days_31_60**")
    assert page.get_by_text("F-LATE").count() == 1
    assert page.get_by_text("F-SOON").count() == 0
    page.go_back()

    with page.expect_download() as info:
        page.click("#export-aged-xlsx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    assert rows[1][:3] == ["Dupont SA", "C1", 1]
    assert rows[-1][0] == "Total" and rows[-1][-1] == 6800


def _codes(page):
    return page.locator("#risk-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.customer)"
    )


def test_a_credit_manager_sorts_filters_the_risk_view_and_opens_a_customer(
    page, live_server, manager, login, shot
):
    ledger = risk_ledger(as_of=today())
    big = make_customer("R9", "Big SA", credit_limit=Decimal("500000"))
    make_invoice(big, "B1", "90000.00", issued=today())
    from encaisse.receivables.services.balances import customer_balances_refresh

    customer_balances_refresh()
    login()
    page.click("#insights-link")
    page.click("#risk-link")
    page.wait_for_url("**/insights/risk/")
    assert _codes(page) == ["R9", "R1", "R2"]  # exposure, largest first
    shot("insights-risk")

    page.click('#risk-table a[data-sort="days_late"]')
    page.wait_for_url("**sort=days_late**")
    assert _codes(page)[0] == "R1"
    assert page.locator('tr[data-customer="R1"] [data-col="trend"]').inner_text() == "▲ +17,0"

    page.check("#id_over_limit")
    page.click("#risk-filters button[type=submit]")
    page.wait_for_url("**over_limit=on**")
    assert _codes(page) == ["R1"]
    assert "120,0 %" in page.locator('tr[data-customer="R1"] [data-col="limit"]').inner_text()

    page.click('tr[data-customer="R1"] a')
    page.wait_for_url(f"**/customers/{ledger['risky'].pk}/")
    card = page.locator("#risk-card")
    assert "120,0 %" in card.inner_text() and "33,3 %" in card.inner_text()
    card.scroll_into_view_if_needed()
    shot("customer-risk-card")
