import datetime as dt

import pytest
from django.utils import timezone

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.audit.models import AuditEntry
from encaisse.audit.services import audit_record
from encaisse.receivables.tests.factories import make_customer

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit"


def _entry(actor, action, instance, day, changes=None) -> AuditEntry:
    entry = audit_record(actor=actor, action=action, instance=instance, changes=changes)
    at = timezone.make_aware(dt.datetime(2026, 3, day, 12))
    AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


@pytest.fixture
def log(collector, credit_manager):
    dupont, martin = make_customer("C1", "Dupont SA"), make_customer("C2", "Martin SARL")
    return [
        _entry(collector, "create", dupont, 1),
        _entry(credit_manager, "update", martin, 2, {"email": {"from": "", "to": "a@b.fr"}}),
        _entry(collector, "update", dupont, 3, {"terms_days": {"from": None, "to": 45}}),
    ]


def test_it_refuses_a_request_without_a_token(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("persona", ["collector", "department_member", "read_only"])
def test_it_refuses_roles_without_view_audit(request, client, persona):
    response = client.get(URL, **bearer(request.getfixturevalue(persona)))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("persona", ["admin_user", "credit_manager"])
@pytest.mark.parametrize("scope", [TokenScope.READ, TokenScope.READ_WRITE])
def test_it_lists_the_log_newest_first_for_view_audit_with_any_scope(
    request, client, log, persona, scope
):
    response = client.get(URL, **bearer(request.getfixturevalue(persona), scope))
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [e.pk for e in reversed(log)]
    assert body["next_cursor"] is None
    newest = body["items"][0]
    assert newest["actor"] == "colin"
    assert newest["object_type"] == "customers.customer"
    assert newest["object_repr"] == "Dupont SA (C1)"
    assert newest["changes"] == {"terms_days": {"from": None, "to": 45}}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "claire"}, [1]),
        ({"action": "create"}, [0]),
        ({"object_type": "customers.customer", "q": "dupont"}, [2, 0]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, [1]),
        ({"date_to": "2026-03-02"}, [1, 0]),
        ({"object_type": "receivables.invoice"}, []),
    ],
)
def test_it_filters_the_log(client, credit_manager, log, query, expected):
    response = client.get(URL, query, **bearer(credit_manager))
    assert [item["id"] for item in response.json()["items"]] == [log[i].pk for i in expected]


def test_it_filters_by_object_id(client, credit_manager, log):
    response = client.get(
        URL,
        {"object_type": "customers.customer", "object_id": log[0].object_id},
        **bearer(credit_manager),
    )
    assert [item["id"] for item in response.json()["items"]] == [log[2].pk, log[0].pk]


def test_it_pages_with_a_cursor(client, credit_manager, log):
    auth = bearer(credit_manager)
    first = client.get(URL, {"limit": 2}, **auth).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}, **auth).json()
    assert [item["id"] for item in second["items"]] == [log[0].pk]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "not-a-cursor"}, "query.cursor"),
        ({"actor": "nobody"}, "query.actor"),
        ({"date_from": "2026-03-03", "date_to": "2026-03-01"}, "query.date_to"),
        ({"date_from": "soon"}, "query.date_from"),
        ({"limit": 0}, "query.limit"),
    ],
)
def test_it_refuses_bad_parameters_naming_them(client, credit_manager, query, field):
    response = client.get(URL, query, **bearer(credit_manager))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [f["field"] for f in error["fields"]] == [field]


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    client, collector, credit_manager, django_assert_max_num_queries
):
    for i in range(40):
        actor = collector if i % 2 else credit_manager
        _entry(actor, "update", make_customer(f"C{i}", f"Client {i}"), 1 + i % 20)
    auth = bearer(credit_manager)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"limit": 30}, **auth)
    assert len(response.json()["items"]) == 30
