"""A credit manager opens the aged balance, changes the as-of date and downloads the Excel
export, which is read back with openpyxl."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = dt.date(2026, 3, 31)


def _ledger():
    dupont = make_customer("C001", "Dupont SA")
    make_invoice(dupont, "F1", "1200.00", issued=dt.date(2026, 2, 1), due=dt.date(2026, 3, 3))
    make_invoice(dupont, "F2", "800.50", issued=dt.date(2026, 3, 20), due=dt.date(2026, 4, 19))
    martin = make_customer("C002", "Martin SARL")
    make_invoice(martin, "F3", "4500.00", issued=dt.date(2025, 11, 2), due=dt.date(2025, 12, 2))


def test_a_credit_manager_exports_the_aged_balance_to_excel(
    page, live_server, manager, login, shot, tmp_path
):
    _ledger()
    login()
    page.goto(f"{live_server.url}/invoices/aged-balance/")
    assert page.locator("h1").inner_text() == "Balance âgée"
    page.fill("#id_as_of", AS_OF.isoformat())
    page.click("#aged-filters button[type=submit]")
    page.wait_for_url("**as_of=2026-03-31**")
    assert page.locator("#as-of-note").inner_text().startswith("Balance âgée au 31/03/2026.")
    dupont = page.locator("tr[data-customer=C001]")
    assert dupont.locator("[data-balance]").inner_text() == "2\u202f000,50"
    assert page.locator("#aged-totals [data-total]").inner_text() == "6\u202f500,50"
    shot("aged-balance")

    # A month earlier, F2 was not issued yet and F1 was not yet due.
    page.fill("#id_as_of", "2026-03-01")
    page.click("#aged-filters button[type=submit]")
    page.wait_for_url("**as_of=2026-03-01**")
    assert dupont.locator("[data-balance]").inner_text() == "1\u202f200,00"

    page.fill("#id_as_of", AS_OF.isoformat())
    page.select_option("#id_sort", "balance")
    page.click("#aged-filters button[type=submit]")
    page.wait_for_url("**sort=balance**")
    assert page.locator("tbody tr").first.get_attribute("data-customer") == "C002"
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename == "balance-agee-2026-03-31.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "customer_code",
        "customer_name",
        "balance",
        "not_due",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_over_90",
    ]
    assert rows[1] == ["C002", "Martin SARL", 4500, 0, 0, 0, 0, 4500]
    assert rows[2] == ["C001", "Dupont SA", 2000.5, 800.5, 1200, 0, 0, 0]
