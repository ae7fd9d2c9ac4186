"""A credit manager opens "Disputes and non-quality" from the insights tabs: the headline
figures and the five charts render, choosing a department changes the figures, and the table
by department downloads as Excel (read back with openpyxl). The disputes are those of the
statistics fixture worked out by hand (encaisse/disputes/tests/stats_fixture.py)."""

import pytest
from openpyxl import load_workbook

from encaisse.disputes.tests import stats_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_reads_the_disputes_dashboard_filters_it_and_exports_a_table(
    page, live_server, manager, login, shot, tmp_path
):
    stats_fixture.build()
    login()
    page.goto(f"{live_server.url}/insights/?as_of={stats_fixture.AS_OF.isoformat()}")
    page.click("#insights-disputes-tab")
    page.wait_for_url("**/insights/disputes/?as_of=2026-04-01**")
    assert page.locator("h1").inner_text() == "Litiges et non-qualité"
    raised = page.locator('[data-kpi="raised"]')
    assert raised.inner_text() == "7"
    assert page.locator('[data-kpi="open-amount"]').inner_text() == "950,00 €"
    assert page.locator('[data-kpi="within-deadline"]').inner_text() == "83 %"
    assert page.locator("svg.chart").count() == 5
    assert page.locator("#flow-chart rect").count() >= 2
    assert page.locator("#pareto-amount-chart polyline").count() == 1
    assert page.locator("#resolution-chart title").first.text_content() == (
        "Délai de résolution par service"
    )
    assert page.locator("#top-causes tbody tr").count() == 4
    shot("insights-disputes")

    page.select_option("#id_department", value="logistics")
    page.click("#insights-filters button[type=submit]")
    page.wait_for_url("**department=logistics**")
    assert raised.inner_text() == "2"
    assert page.locator('[data-kpi="open-amount"]').inner_text() == "0,00 €"
    assert "department=logistics" in page.locator("#statistics-link").get_attribute("href")

    with page.expect_download() as info:
        page.click("#export-department-xlsx")
    download = info.value
    assert download.suggested_filename == "disputes-department-2026-04-01.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    assert rows[0][:3] == ["group", "disputes", "amount"]
    assert rows[1][:3] == ["Logistique", 2, 200]
    assert rows[-1][:3] == ["Total", 2, 200]
