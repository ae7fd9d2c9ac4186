import datetime as dt

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.core.dates import today
from encaisse.dunning.models import Action, Run, Scenario
from encaisse.dunning.services import dunning_run_generate

from .factories import make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db

READERS = [
    ("admin_user", 200),
    ("credit_manager", 200),
    ("collector", 200),
    ("read_only", 200),
    ("department_member", 403),
]


@pytest.fixture
def ledger():
    make_scenario()
    now = today()
    customer = make_customer("C1", "Alpha")
    make_invoice(customer, "F1", "1000.00", due=now - dt.timedelta(days=6))
    make_invoice(customer, "F2", "120.50", due=now - dt.timedelta(days=16))


def _post(client, user, body, scope=TokenScope.READ_WRITE):
    return client.post(
        "/api/v1/dunning/runs", body, content_type="application/json", **bearer(user, scope)
    )


def test_it_refuses_requests_without_a_token(client):
    for url in ("/api/v1/dunning/scenarios", "/api/v1/dunning/runs", "/api/v1/dunning/runs/1"):
        assert client.get(url).status_code == 401
    assert (
        client.post("/api/v1/dunning/runs", {}, content_type="application/json").status_code == 401
    )


@pytest.mark.parametrize(("persona", "status"), READERS)
def test_it_lists_scenarios_with_their_steps(request, client, persona, status):
    response = client.get(
        "/api/v1/dunning/scenarios", **bearer(request.getfixturevalue(persona), TokenScope.READ)
    )
    assert response.status_code == status
    if status == 200:
        standard = next(s for s in response.json() if s["code"] == "standard")
        assert [s["offset_days"] for s in standard["steps"]] == [-10, -3, 5, 15, 25, 35, 50]
        assert standard["steps"][0]["min_amount"] == "1000.00"
        assert "sme" in standard["segments"] and standard["is_default"]


def test_it_gets_one_scenario_or_404(client, collector):
    key = Scenario.objects.get(code="grands-comptes")
    response = client.get(f"/api/v1/dunning/scenarios/{key.pk}", **bearer(collector))
    assert response.status_code == 200 and response.json()["name"] == "Grands comptes"
    response = client.get("/api/v1/dunning/scenarios/99999", **bearer(collector))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_it_lists_scenarios_in_few_queries(client, collector, django_assert_max_num_queries):
    headers = bearer(collector)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/dunning/scenarios", **headers).status_code == 200


def test_a_dry_run_returns_what_the_real_run_then_creates(client, credit_manager, ledger):
    preview = _post(client, credit_manager, {"dry_run": True})
    assert preview.status_code == 200
    assert not Action.objects.exists()
    real = _post(client, credit_manager, {"dry_run": False})
    assert real.status_code == 201

    def shape(actions):
        return [{k: v for k, v in a.items() if k != "id"} for a in actions]

    assert shape(preview.json()["actions"]) == shape(real.json()["actions"])
    assert real.json()["actions_created"] == len(real.json()["actions"]) == 2
    run_id = real.json()["id"]
    again = client.get(f"/api/v1/dunning/runs/{run_id}", **bearer(credit_manager))
    assert again.json()["actions"] == real.json()["actions"]
    assert again.json()["triggered_by"] == credit_manager.username


@pytest.mark.parametrize(
    ("persona", "dry", "status"),
    [
        ("collector", True, 200),
        ("collector", False, 403),
        ("read_only", True, 403),
        ("department_member", True, 403),
        ("admin_user", False, 201),
    ],
)
def test_it_lets_each_role_trigger_what_it_may(request, client, persona, dry, status):
    user = request.getfixturevalue(persona)
    response = _post(client, user, {"dry_run": dry, "as_of": "2026-03-01"})
    assert response.status_code == status
    assert Run.objects.exists() == (status != 403)


def test_it_refuses_runs_through_a_read_only_token(client, credit_manager):
    assert _post(client, credit_manager, {"dry_run": True}, TokenScope.READ).status_code == 403
    assert not Run.objects.exists()


def test_it_refuses_a_bad_date(client, credit_manager):
    response = _post(client, credit_manager, {"as_of": "yesterday"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.as_of"


@pytest.mark.parametrize(("persona", "status"), READERS)
def test_it_lists_runs(request, client, persona, status):
    dunning_run_generate(as_of=dt.date(2026, 3, 1))
    dunning_run_generate(as_of=dt.date(2026, 3, 2), dry_run=True)
    user = request.getfixturevalue(persona)
    response = client.get("/api/v1/dunning/runs", **bearer(user, TokenScope.READ))
    assert response.status_code == status
    if status == 200:
        assert [r["as_of"] for r in response.json()] == ["2026-03-02", "2026-03-01"]
        filtered = client.get("/api/v1/dunning/runs?dry_run=false", **bearer(user))
        assert [r["dry_run"] for r in filtered.json()] == [False]


def test_it_lists_runs_in_few_queries(client, collector, django_assert_max_num_queries):
    for n in range(5):
        dunning_run_generate(as_of=dt.date(2026, 3, 1 + n))
    headers = bearer(collector)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/dunning/runs", **headers).json()) == 5


def test_it_answers_404_for_a_missing_run(client, collector):
    assert client.get("/api/v1/dunning/runs/99999", **bearer(collector)).status_code == 404


def test_every_dunning_endpoint_has_a_summary(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = [
        op
        for path, ops in paths.items()
        if path.startswith("/api/v1/dunning/")
        for op in ops.values()
    ]
    assert len(operations) >= 5 and all(op.get("summary") for op in operations)
