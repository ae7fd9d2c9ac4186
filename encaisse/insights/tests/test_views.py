import io

import pytest
from openpyxl import load_workbook

from encaisse.audit.models import AuditEntry
from encaisse.insights.models import InsightsSettings

from .ledger import AS_OF, worked_ledger

pytestmark = pytest.mark.django_db

PAGES = ["/insights/", "/insights/dso/", "/insights/dunning/", "/insights/export/kpis/xlsx/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["manager_client", "collector_client", "read_only_client"])
def test_it_opens_the_pages_to_everyone_who_sees_the_ledger(request, persona, url):
    client = request.getfixturevalue(persona)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_it_refuses_department_members_and_sends_strangers_to_login(department_client, client, url):
    assert department_client.get(url).status_code == 403
    department_client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_the_kpis_charts_and_the_days_work(manager_client):
    worked_ledger()
    response = manager_client.get("/insights/", {"as_of": AS_OF.isoformat()})
    html = response.content.decode()
    assert 'data-kpi="receivables">100\u202f000,00 €' in html
    assert 'data-kpi="disputed">6\u202f000,00 €' in html
    assert 'data-kpi="dso">76,5 jours' in html
    assert html.count('<svg class="chart"') == 2
    assert 'id="dso-chart"' in html and 'id="forecast-chart"' in html
    assert 'data-work="disputes">1<' in html  # the dispute is past its target date


def test_it_narrows_the_dashboard_to_a_segment(manager_client):
    ledger = worked_ledger()
    response = manager_client.get(
        "/insights/", {"as_of": AS_OF.isoformat(), "segment": ledger["segment"].pk}
    )
    assert 'data-kpi="receivables">65\u202f000,00 €' in response.content.decode()


def test_it_explains_both_dso_methods_with_the_months_used(manager_client):
    worked_ledger()
    html = manager_client.get("/insights/dso/", {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-dso="ratio">73,6<' in html
    assert 'data-dso="countback">76,5<' in html
    assert "× 92 =" in html


def test_it_exports_the_forecast_and_the_kpis_to_excel(manager_client):
    worked_ledger()
    response = manager_client.get("/insights/export/forecast/xlsx/", {"as_of": AS_OF})
    assert response["Content-Disposition"] == 'attachment; filename="forecast-2025-12-31.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["period", "week_start", "week_end", "expected", "promised"]
    assert rows[1][3] == 40000
    assert rows[-1][3] == 6000  # in dispute, not forecast
    response = manager_client.get("/insights/export/kpis/xlsx/", {"as_of": AS_OF})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = {row[0].value: row[2].value for row in sheet.iter_rows(min_row=2)}
    assert values["receivables"] == 100000
    assert values["dso_countback"] == 76.5


def test_it_exports_the_dso_by_customer_as_csv(manager_client):
    worked_ledger()
    response = manager_client.get("/insights/export/dso-customer/csv/", {"as_of": AS_OF})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "name,receivables,dso_ratio,dso_countback,average_days_late"
    assert lines[1] == "Dupont SA (C1),65000.00,92.0,92.0,"


def test_it_answers_404_for_an_unknown_table(manager_client):
    assert manager_client.get("/insights/export/nope/csv/").status_code == 404
    assert manager_client.get("/insights/export/kpis/pdf/").status_code == 404


def test_it_lets_a_credit_manager_change_the_days_basis(manager_client):
    response = manager_client.post(
        "/insights/dso/settings/", {"days_basis": "360", "ratio_months": "6"}
    )
    assert response.status_code == 302
    settings = InsightsSettings.objects.get()
    assert (settings.days_basis, settings.ratio_months) == (360, 6)
    assert AuditEntry.objects.filter(object_type="insights.insightssettings").exists()


@pytest.mark.parametrize("persona", ["collector_client", "read_only_client", "department_client"])
def test_it_keeps_the_dso_settings_to_those_who_manage_settings(request, persona):
    client = request.getfixturevalue(persona)
    response = client.post("/insights/dso/settings/", {"days_basis": "360", "ratio_months": "6"})
    assert response.status_code == 403
    assert not InsightsSettings.objects.filter(days_basis=360).exists()
