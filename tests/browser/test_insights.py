"""A credit manager opens the insights dashboard: the KPIs and both charts render, choosing a
segment changes the figures, and the forecast downloads as Excel (read back with openpyxl)."""

import pytest
from openpyxl import load_workbook

from encaisse.insights.tests.ledger import AS_OF, worked_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_reads_the_dashboard_filters_it_and_exports_the_forecast(
    page, live_server, manager, login, shot, tmp_path
):
    ledger = worked_ledger()
    login()
    page.click("#insights-link")
    page.wait_for_url("**/insights/")
    assert page.locator("h1").inner_text() == "Indicateurs"
    page.fill("#id_as_of", AS_OF.isoformat())
    page.click("#insights-filters button[type=submit]")
    page.wait_for_url("**as_of=2025-12-31**")
    receivables = page.locator('[data-kpi="receivables"]')
    assert receivables.inner_text() == "100\u202f000,00 €"
    assert page.locator('[data-kpi="dso"]').inner_text() == "76,5 jours"
    charts = page.locator("svg.chart")
    assert charts.count() == 2
    assert page.locator("#dso-chart polyline").count() == 2
    assert page.locator("#forecast-chart rect").count() > 2
    assert page.locator("#dso-chart title").first.text_content() == "DSO à chaque fin de mois"
    shot("insights-dashboard")

    page.select_option("#id_segment", value=str(ledger["segment"].pk))
    page.click("#insights-filters button[type=submit]")
    page.wait_for_url("**segment=**")
    assert receivables.inner_text() == "65\u202f000,00 €"

    with page.expect_download() as info:
        page.click("#export-forecast-xlsx")
    download = info.value
    assert download.suggested_filename == "forecast-2025-12-31.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    assert rows[0] == ["period", "week_start", "week_end", "expected", "promised"]
    assert rows[1][3] == 40000  # the segment: Dupont's December invoice, week 1

    page.click("text=Le DSO, les deux méthodes expliquées")
    page.wait_for_url("**/insights/dso/**")
    assert page.locator('[data-dso="countback"]').inner_text() == "92,0"
    shot("insights-dso")
