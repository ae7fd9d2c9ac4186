"""Every dunning endpoint the issue lists is in the OpenAPI document, and answers each role as
its capabilities say: reads need VIEW_LEDGER (credit manager, collector, read-only), writes
EDIT_LEDGER (credit manager, collector), a real run MANAGE_SETTINGS (credit manager); a
department member gets 403 everywhere, no token 401."""

import pytest

from encaisse.api.tests.tokens import bearer
from encaisse.core.dates import today
from encaisse.dunning.models import Block, Scenario

from .factories import make_customer, make_invoice
from .worklist_factories import days_ago, make_action

pytestmark = pytest.mark.django_db
URL = "/api/v1/dunning"

# (method, path, what the issue calls it)
ENDPOINTS = [
    ("get", "/scenarios", "scenarios: read"),
    ("get", "/scenarios/{scenario_id}", "scenarios: read"),
    ("get", "/actions", "actions: list, filter"),
    ("get", "/actions/{action_id}", "actions: get"),
    ("post", "/actions", "actions: create a manual one"),
    ("post", "/actions/{action_id}/outcome", "actions: record a call outcome"),
    ("get", "/promises", "promises: list"),
    ("post", "/promises", "promises: create"),
    ("post", "/blocks", "blocks and holds: create"),
    ("post", "/blocks/{block_id}/release", "blocks and holds: release"),
    ("get", "/runs", "runs: list"),
    ("get", "/runs/{run_id}", "runs: get"),
    ("post", "/runs", "runs: trigger"),
]

ALLOWED = {
    "credit_manager": {"read", "write", "dry_run", "run"},
    "collector": {"read", "write", "dry_run"},
    "read_only": {"read"},
    "department_member": set(),
}


def test_every_endpoint_of_the_issue_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for method, path, what in ENDPOINTS:
        assert method in paths.get(f"{URL}{path}", {}), what
    filters = {p["name"] for p in paths[f"{URL}/actions"]["get"]["parameters"]}
    assert {"status", "channel", "customer_id"} <= filters


@pytest.fixture
def world(collector):
    customer = make_customer("C1", collector=collector)
    invoice = make_invoice(customer, "F1", "800.00", due=days_ago(8))
    call = make_action(customer, [invoice], assigned_to=collector)
    return customer, invoice, call


def _requests(world):
    customer, invoice, call = world
    block = Block.objects.create(
        kind="hold", customer=customer, reason="x", starts_on=today(), ends_on=today()
    )
    scenario = Scenario.objects.first()
    return [
        ("read", "get", f"/scenarios/{scenario.pk}", None),
        ("read", "get", "/actions?status=planned&channel=call", None),
        ("read", "get", f"/actions/{call.pk}", None),
        ("read", "get", "/promises", None),
        ("read", "get", "/runs", None),
        (
            "write",
            "post",
            "/actions",
            {"customer_id": customer.pk, "channel": "call", "notes": "Appel", "done": True},
        ),
        ("write", "post", f"/actions/{call.pk}/outcome", {"outcome": "reached"}),
        (
            "write",
            "post",
            "/promises",
            {
                "customer_id": customer.pk,
                "invoice_ids": [invoice.pk],
                "amount": "800.00",
                "promised_on": today().isoformat(),
            },
        ),
        (
            "write",
            "post",
            "/blocks",
            {"customer_id": customer.pk, "kind": "block", "reason": "Procédure"},
        ),
        ("write", "post", f"/blocks/{block.pk}/release", {}),
        ("dry_run", "post", "/runs", {"as_of": today().isoformat(), "dry_run": True}),
        ("run", "post", "/runs", {"as_of": today().isoformat(), "dry_run": False}),
    ]


@pytest.mark.parametrize("persona", sorted(ALLOWED))
def test_each_role_gets_what_its_capabilities_allow(request, client, world, persona):
    user = request.getfixturevalue(persona)
    allowed = ALLOWED[persona]
    for kind, method, path, body in _requests(world):
        may = kind in allowed
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = getattr(client, method)(f"{URL}{path}", body, **kwargs, **bearer(user))
        if may:
            assert response.status_code in (200, 201), (persona, path, response.content)
        else:
            assert response.status_code == 403, (persona, path, response.status_code)


def test_it_answers_401_without_a_token(client, world):
    for _kind, method, path, body in _requests(world):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        assert getattr(client, method)(f"{URL}{path}", body, **kwargs).status_code == 401, path
