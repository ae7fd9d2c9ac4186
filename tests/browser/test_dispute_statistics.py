"""A credit manager reads the dispute statistics, narrows them to a department (the figures
change), downloads the CSV export of the grouping, then records a preventive action from a
root cause row of the Pareto and marks it done."""

import csv
import io

import pytest

from encaisse.disputes.tests import stats_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_filters_exports_and_records_an_action(
    page, live_server, manager, login, shot
):
    stats_fixture.build(manager)
    login()
    page.goto(f"{live_server.url}/disputes/statistics/?group_by=reason_code")
    assert page.locator("h1").inner_text() == "Statistiques des litiges"
    assert page.locator("[data-kpi=count]").inner_text() == "7"
    assert page.locator("#groups-table tbody tr").count() == 2
    assert page.locator("svg.pareto-chart rect").count() == 4
    shot("dispute-statistics")

    page.select_option("#id_department", "logistics")
    page.click("#stats-filters button[type=submit]")
    page.wait_for_url("**department=logistics**")
    assert page.locator("[data-kpi=count]").inner_text() == "2"
    assert page.locator("[data-kpi=median]").inner_text() == "4,5 jours"
    assert page.locator("#groups-table tbody tr").count() == 1

    with page.expect_download() as download:
        page.click("#export-groups-csv")
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0][:3] == ["group", "disputes", "amount"]
    assert rows[1][:3] == ["B1 Erreur de livraison", "2", "200.00"]

    page.goto(f"{live_server.url}/disputes/statistics/")
    row = page.locator("#pareto-table tbody tr").first
    assert row.locator("td").nth(1).inner_text() == "Erreur ou malentendu du client"
    row.locator("a.record-action").click()
    page.wait_for_url("**/disputes/preventive/new/**")
    selected = page.locator("#id_root_cause option:checked").inner_text()
    assert selected == "Erreur ou malentendu du client"
    page.fill("#id_description", "Envoyer les conditions générales avec chaque devis")
    page.fill("#id_due_on", "2026-04-30")
    page.click("#action-form button[type=submit]")
    page.wait_for_url("**/disputes/preventive/*/")
    assert "Action préventive enregistrée." in page.locator(".messages").inner_text()
    page.select_option("#id_status", "done")
    page.fill("#id_done_on", "2026-03-25")
    page.click("#status-form button[type=submit]")
    page.wait_for_url("**/disputes/preventive/*/")
    assert page.locator("#action-facts [data-status]").get_attribute("data-status") == "done"
    shot("preventive-action")

    page.goto(f"{live_server.url}/disputes/statistics/")
    assert page.locator("#trend-table tbody tr").count() == 1
    page.goto(f"{live_server.url}/disputes/preventive/")
    assert page.locator("#actions tbody tr").count() == 1
    shot("preventive-actions")
