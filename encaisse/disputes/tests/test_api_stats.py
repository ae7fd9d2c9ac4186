"""The statistics and preventive action endpoints: figures as the selectors compute them,
permissions per persona and department, and their place in the OpenAPI document."""

import datetime as dt

import pytest

from encaisse.accounts.choices import Role, TokenScope
from encaisse.accounts.models import Department
from encaisse.api.tests.tokens import bearer
from encaisse.core.dates import today
from encaisse.disputes.models_preventive import PreventiveAction

from . import stats_fixture
from .factories import cause

pytestmark = pytest.mark.django_db

STATS = "/api/v1/disputes/statistics"
ACTIONS = "/api/v1/disputes/preventive-actions"
READERS = ["credit_manager", "collector", "department_member", "read_only"]


@pytest.fixture
def other_member(django_user_model):
    return django_user_model.objects.create_user(
        "olga", role=Role.DEPARTMENT_MEMBER, department=Department.objects.get(code="logistics")
    )


def _post(client, user, body, url=ACTIONS, scope=TokenScope.READ_WRITE):
    return client.post(url, body, content_type="application/json", **bearer(user, scope))


def _patch(client, user, action_id, body):
    return client.patch(
        f"{ACTIONS}/{action_id}", body, content_type="application/json", **bearer(user)
    )


def _body(**extra):
    return {
        "root_cause": "billing-error",
        "description": "Contrôle des remises",
        "due_on": "2026-03-31",
        **extra,
    }


def test_it_returns_grouped_statistics(client, collector):
    stats_fixture.build(collector)
    response = client.get(f"{STATS}?group_by=reason_code", **bearer(collector))
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["total"]["count"] == 7 and data["total"]["amount"] == "2200.00"
    a1 = data["rows"][0]
    assert (a1["label"], a1["median_days"], a1["p90_days"], a1["within_deadline"]) == (
        "A1 Erreur de prix ou de remise",
        7.0,
        17.0,
        0.75,
    )
    # The open dispute (950.00 since 2 March) counts its days until today.
    open_days = (today() - dt.date(2026, 3, 2)).days
    assert a1["cash_days"] == f"{12500 + 950 * open_days}.00"
    filtered = client.get(f"{STATS}?group_by=month&department=logistics", **bearer(collector))
    assert filtered.json()["total"]["count"] == 2


def test_it_pages_the_groups_largest_amount_first_with_their_count(client, collector):
    stats_fixture.build(collector)
    url = f"{STATS}?group_by=customer&limit=1"
    first = client.get(url, **bearer(collector)).json()
    assert (first["count"], first["limit"], first["offset"]) == (2, 1, 0)
    assert [(r["label"], r["amount"]) for r in first["rows"]] == [("Dupont SA (C1)", "2000.00")]
    second = client.get(f"{url}&offset=1", **bearer(collector)).json()
    assert [(r["label"], r["p90_days"]) for r in second["rows"]] == [("Martin SARL (C2)", 5.7)]
    assert second["total"]["count"] == 7  # the total covers every group, whatever the page
    beyond = client.get(f"{url}&offset=2", **bearer(collector)).json()
    assert (beyond["rows"], beyond["count"]) == ([], 2)
    months = client.get(f"{STATS}?group_by=month", **bearer(collector)).json()
    assert (months["count"], [r["key"] for r in months["rows"]]) == (1, ["2026-03"])
    assert client.get(STATS, **bearer(collector)).json()["count"] == 0
    for bad in ("limit=0", "limit=1001", "offset=-1"):
        assert client.get(f"{STATS}?{bad}", **bearer(collector)).status_code == 422, bad


def test_it_returns_the_pareto_and_the_trend(client, collector):
    stats_fixture.build(collector)
    pareto = client.get(f"{STATS}/pareto?by=count", **bearer(collector)).json()
    assert [(r["label"], r["cumulative_share"]) for r in pareto][:2] == [
        ("Erreur de facturation", 0.3333),
        ("Erreur de préparation", 0.6667),
    ]
    assert client.get(f"{STATS}/pareto?by=nope", **bearer(collector)).status_code == 422
    assert client.get(f"{STATS}/preventive-trend", **bearer(collector)).json() == []


def test_it_refuses_an_unknown_grouping(client, collector):
    response = client.get(f"{STATS}?group_by=colour", **bearer(collector))
    assert response.status_code == 422


@pytest.mark.parametrize("persona", READERS)
def test_every_reader_gets_statistics_and_actions(client, request, persona, collector):
    stats_fixture.build(collector)
    user = request.getfixturevalue(persona)
    assert client.get(STATS, **bearer(user, TokenScope.READ)).status_code == 200
    assert client.get(ACTIONS, **bearer(user, TokenScope.READ)).status_code == 200


def test_a_department_member_counts_their_department(client, department_member, collector):
    stats_fixture.build(collector)
    data = client.get(f"{STATS}?group_by=department", **bearer(department_member)).json()
    assert data["total"]["count"] == 5 and [r["label"] for r in data["rows"]] == ["Facturation"]


def test_outsiders_get_401(client):
    for url in (STATS, f"{STATS}/pareto", ACTIONS):
        assert client.get(url).status_code == 401
    assert client.post(ACTIONS, _body(), content_type="application/json").status_code == 401


def test_it_records_lists_and_completes_an_action(client, collector, department_member):
    dispute = stats_fixture.build(collector)["A1"][0]
    response = _post(client, collector, _body(dispute_id=dispute.pk, owner_id=department_member.pk))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["department"], data["dispute_number"]) == (
        "open",
        "billing",
        dispute.number,
    )
    assert [e["type"] for e in data["history"]] == ["created"]
    listed = client.get(f"{ACTIONS}?late=true", **bearer(collector)).json()
    assert [a["id"] for a in listed] == [data["id"]] and listed[0]["late"] is True
    done = _patch(
        client, department_member, data["id"], {"status": "done", "done_on": "2026-03-05"}
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["done_on"]) == ("done", "2026-03-05")
    trend = client.get(f"{STATS}/preventive-trend", **bearer(collector)).json()
    assert [(t["label"], t["before"], t["after"]) for t in trend] == [
        ("Erreur de facturation", 2, 0)
    ]


def test_it_names_the_bad_field(client, collector):
    response = _post(client, collector, _body(root_cause="nope"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.root_cause"
    action = _post(client, collector, _body()).json()
    refused = _patch(client, collector, action["id"], {"status": "cancelled"})
    assert refused.status_code == 422


def test_read_only_cannot_write(client, read_only, collector):
    action = _post(client, collector, _body(department="billing")).json()
    assert _post(client, read_only, _body()).status_code == 403
    assert _patch(client, read_only, action["id"], {"status": "done"}).status_code == 403
    read_token = _post(client, collector, _body(), scope=TokenScope.READ)
    assert read_token.status_code == 403


def test_a_department_member_acts_within_their_department(
    client, department_member, other_member, collector
):
    action = _post(client, collector, _body(department="billing")).json()
    assert client.get(f"{ACTIONS}/{action['id']}", **bearer(other_member)).status_code == 404
    assert _patch(client, other_member, action["id"], {"status": "done"}).status_code == 404
    assert client.get(ACTIONS, **bearer(other_member)).json() == []
    own = _post(client, other_member, _body(department="billing"))
    assert own.status_code == 201 and own.json()["department"] == "logistics"
    dispute = stats_fixture.build(collector)["A1"][0]
    assert _post(client, other_member, _body(dispute_id=dispute.pk)).status_code == 404
    assert PreventiveAction.objects.count() == 2


def test_the_endpoints_are_in_the_openapi_document(client, collector):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths["/api/v1/disputes/statistics"])
    assert {"get", "post"} <= set(paths["/api/v1/disputes/preventive-actions"])
    assert {"get", "patch"} <= set(paths["/api/v1/disputes/preventive-actions/{action_id}"])
    params = {p["name"] for p in paths["/api/v1/disputes/statistics"]["get"]["parameters"]}
    assert {"group_by", "raised_from", "raised_to", "segment", "department"} <= params
    assert {"limit", "offset"} <= params
    assert cause("billing-error")  # the codification is there for the examples


def test_the_action_list_reads_in_a_fixed_number_of_queries(
    client, collector, django_assert_max_num_queries
):
    for _ in range(3):
        _post(client, collector, _body(owner_id=collector.pk, department="billing"))
    headers = bearer(collector)
    with django_assert_max_num_queries(6):
        response = client.get(ACTIONS, **headers)
    assert len(response.json()) == 3
