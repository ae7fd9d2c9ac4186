import io
import json

import pytest
from django.core.management import CommandError, call_command

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer

from .ledger import AS_OF, worked_ledger

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/insights/kpis",
    "/api/v1/insights/dso",
    "/api/v1/insights/dso/by/customer",
    "/api/v1/insights/forecast",
]


def test_it_prints_the_kpis_as_json():
    worked_ledger()
    out = io.StringIO()
    call_command("export_kpis", "--as-of", AS_OF.isoformat(), "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["receivables"] == "100000.00"
    assert figures["overdue"] == "60000.00"
    assert figures["disputed"] == "6000.00"
    assert figures["dso_ratio"] == "73.6"
    assert figures["dso_countback"] == "76.5"
    assert figures["average_days_late"] == "4.0"


def test_it_refuses_a_bad_date_on_the_command_line():
    with pytest.raises(CommandError, match="--as-of"):
        call_command("export_kpis", "--as-of", "31/12/2025")


def test_it_answers_the_kpis_for_a_read_only_token(client, read_only):
    worked_ledger()
    response = client.get(
        "/api/v1/insights/kpis",
        {"as_of": AS_OF.isoformat()},
        **bearer(read_only, TokenScope.READ),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["dso_countback"] == "76.5"
    assert body["disputed_share_of_overdue"] == "10.0"


def test_it_narrows_the_api_figures_to_a_segment(client, credit_manager):
    worked_ledger()
    response = client.get(
        "/api/v1/insights/kpis",
        {"as_of": AS_OF.isoformat(), "segment": "key"},
        **bearer(credit_manager),
    )
    assert response.json()["receivables"] == "65000.00"
    unknown = client.get("/api/v1/insights/kpis", {"segment": "nope"}, **bearer(credit_manager))
    assert unknown.status_code == 422


def test_it_answers_the_dso_history_per_group_and_the_forecast(client, collector):
    worked_ledger()
    auth = bearer(collector)
    series = client.get("/api/v1/insights/dso", {"as_of": AS_OF, "months": 3}, **auth).json()
    assert [p["dso_countback"] for p in series] == ["31.0", "45.5", "76.5"]
    groups = client.get("/api/v1/insights/dso/by/segment", {"as_of": AS_OF}, **auth).json()
    assert [g["label"] for g in groups] == ["Grands comptes", ""]
    forecast = client.get("/api/v1/insights/forecast", {"as_of": AS_OF}, **auth).json()
    assert len(forecast["weeks"]) == 13
    assert forecast["weeks"][0]["amount"] == "40000.00"
    assert forecast["disputed"] == "6000.00"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_department_members_and_anonymous_callers(client, department_member, url):
    assert client.get(url, **bearer(department_member)).status_code == 403
    assert client.get(url).status_code == 401


def test_it_documents_the_endpoints_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for url in ENDPOINTS:
        assert url.replace("/customer", "/{group}") in paths


def test_it_runs_export_kpis_from_the_encaisse_command_group():
    from encaisse.cli import translate

    assert translate(["export", "kpis", "--as-of", "2025-12-31", "--format", "json"]) == [
        "export_kpis",
        "--as-of",
        "2025-12-31",
        "--format",
        "json",
    ]
