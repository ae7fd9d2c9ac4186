"""The customers API: list with filters and cursor, get by id or code, create, patch, contacts;
permissions per role and token scope; validation errors in the one error shape."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.audit.models import AuditEntry
from encaisse.customers.models import Contact, Customer, Segment

from .builders import SIREN, make_contact, make_customer

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _get(client, user, path, scope=TokenScope.READ_WRITE, **params):
    return client.get(BASE + path, params, **bearer(user, scope))


def _send(client, user, method, path, body=None, scope=TokenScope.READ_WRITE):
    return getattr(client, method)(
        BASE + path, body, content_type="application/json", **bearer(user, scope)
    )


def _fields(response):
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


# Permissions ---------------------------------------------------------------------------------


def _endpoints(customer, contact):
    c, k = customer.pk, contact.pk
    return [
        ("get", "/customers", None),
        ("get", f"/customers/{c}", None),
        ("get", "/customers/by-code/C1", None),
        ("get", f"/customers/{c}/contacts", None),
        ("post", "/customers", {"code": "N1", "name": "New"}),
        ("patch", f"/customers/{c}", {"name": "Renamed"}),
        ("post", f"/customers/{c}/contacts", {"name": "Jo"}),
        ("patch", f"/contacts/{k}", {"name": "Jo"}),
        ("delete", f"/contacts/{k}", None),
    ]


def test_every_endpoint_needs_a_token(client):
    customer = make_customer()
    for method, path, body in _endpoints(customer, make_contact(customer)):
        response = getattr(client, method)(BASE + path, body, content_type="application/json")
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["code"] == "unauthorized"


def test_department_members_reach_no_endpoint(client, department_member):
    customer = make_customer()
    for method, path, body in _endpoints(customer, make_contact(customer)):
        response = _send(client, department_member, method, path, body)
        assert response.status_code == 403, (method, path)
    assert Customer.objects.count() == 1 and Contact.objects.count() == 1


@pytest.mark.parametrize("persona", ["read_only", "collector"])
def test_read_only_users_and_read_only_tokens_read_but_never_write(client, request, persona):
    user = request.getfixturevalue(persona)
    scope = TokenScope.READ if persona == "collector" else TokenScope.READ_WRITE
    customer = make_customer()
    for method, path, body in _endpoints(customer, make_contact(customer)):
        response = _send(client, user, method, path, body, scope=scope)
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, (method, path)
    assert Customer.objects.get().name == "Dupont SA" and Contact.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_it_answers_404_for_missing_customers_and_contacts(client, collector):
    for method, path in [
        ("get", "/customers/999"),
        ("get", "/customers/by-code/NOPE"),
        ("get", "/customers/999/contacts"),
        ("patch", "/customers/999"),
        ("post", "/customers/999/contacts"),
        ("patch", "/contacts/999"),
        ("delete", "/contacts/999"),
    ]:
        body = {"name": "X"} if method in ("patch", "post") else None
        response = _send(client, collector, method, path, body)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"


# Reads ---------------------------------------------------------------------------------------


def test_it_lists_customers_with_balances_and_terms(client, read_only, collector):
    segment = Segment.objects.create(code="pme", name="PME")
    make_customer(
        "C1",
        "Dupont SA",
        siren=SIREN,
        open_balance=Decimal("900.50"),
        overdue_balance=Decimal("500"),
        terms_kind="eom",
        terms_days=45,
        collector=collector,
        segment=segment,
    )
    response = _get(client, read_only, "/customers")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["open_balance"] == "900.50" and item["overdue_balance"] == "500.00"
    assert (item["terms_kind"], item["terms_days"]) == ("eom", 45)
    assert (item["collector"], item["segment"], item["siren"]) == (collector.username, "pme", SIREN)
    assert response.json()["next_cursor"] is None


def test_it_filters_and_sorts_the_list(client, collector, credit_manager):
    make_customer("C1", "Dupont", overdue_balance=Decimal("10"), collector=collector)
    make_customer("C2", "Martin", overdue_balance=Decimal("30"), collector=credit_manager)
    make_customer("C3", "Durand", on_hold=True)

    def codes(**params):
        response = _get(client, collector, "/customers", **params)
        assert response.status_code == 200, response.json()
        return [item["code"] for item in response.json()["items"]]

    assert codes() == ["C2", "C1", "C3"]
    assert codes(sort="name") == ["C1", "C3", "C2"]
    assert codes(collector="me") == ["C1"]
    assert codes(collector=credit_manager.username) == ["C2"]
    assert codes(collector="none") == ["C3"]
    assert codes(overdue="true") == ["C2", "C1"]
    assert codes(on_hold="true") == ["C3"]
    assert codes(q="dur") == ["C3"]


def test_it_pages_with_a_cursor_in_few_queries(client, read_only, django_assert_max_num_queries):
    for n in range(7):
        make_customer(f"C{n}", f"Client {n}", overdue_balance=Decimal(n % 3))
    seen, cursor = [], None
    for _ in range(4):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(4):
            response = _get(client, read_only, "/customers", **params)
        body = response.json()
        seen += [item["code"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen))


def test_it_refuses_unknown_filters_and_foreign_cursors(client, read_only):
    assert _fields(_get(client, read_only, "/customers", collector="ghost")) == {
        "query.collector": "No user with this username."
    }
    assert "query.segment" in _fields(_get(client, read_only, "/customers", segment="nope"))
    assert "query.cursor" in _fields(_get(client, read_only, "/customers", cursor="abc"))
    assert "query.sort" in _fields(_get(client, read_only, "/customers", sort="size"))


def test_it_gets_a_customer_by_id_and_by_code(client, read_only):
    customer = make_customer("411/C 01", "Slash SA")
    by_id = _get(client, read_only, f"/customers/{customer.pk}").json()
    by_code = _get(client, read_only, "/customers/by-code/411/C 01").json()
    assert by_id == by_code and by_id["code"] == "411/C 01"


def test_it_lists_contacts_billing_first(client, read_only):
    customer = make_customer()
    make_contact(customer, "Alice")
    make_contact(customer, "Zoé", is_billing_contact=True)
    response = _get(client, read_only, f"/customers/{customer.pk}/contacts")
    assert [c["name"] for c in response.json()] == ["Zoé", "Alice"]


# Writes --------------------------------------------------------------------------------------


def test_it_creates_a_customer_and_records_it(client, collector):
    Segment.objects.create(code="pme", name="PME")
    response = _send(
        client,
        collector,
        "post",
        "/customers",
        {
            "code": "C9",
            "name": "Nouveau",
            "siren": "552 100 554",
            "segment": "pme",
            "collector": collector.username,
            "credit_limit": "15000",
            "terms_kind": "net",
            "terms_days": 60,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["siren"] == SIREN and body["segment"] == "pme" and body["credit_limit"] == "15000.00"
    )
    entry = AuditEntry.objects.get(object_id=str(body["id"]))
    assert entry.action == "create" and entry.actor == collector


def test_it_answers_409_on_the_code_field_for_a_duplicate_code(client, collector):
    make_customer("C1")
    response = _send(client, collector, "post", "/customers", {"code": "C1", "name": "Again"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert list(_fields(response)) == ["body.code"]


def test_it_names_each_bad_field(client, collector):
    response = _send(
        client,
        collector,
        "post",
        "/customers",
        {"code": "C1", "name": "X", "siren": "123456789", "vat_number": "FR00", "email": "x@"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert set(_fields(response)) == {"body.siren", "body.vat_number", "body.email"}
    response = _send(client, collector, "post", "/customers", {"name": "No code"})
    assert response.status_code == 422 and "body.code" in _fields(response)
    response = _send(
        client, collector, "post", "/customers", {"code": "C", "name": "X", "segment": "nope"}
    )
    assert _fields(response) == {"body.segment": "No segment with this code."}


def test_it_patches_only_what_is_sent_and_null_clears(client, collector):
    customer = make_customer(email="a@example.com", collector=collector, terms_days=30)
    response = _send(
        client,
        collector,
        "patch",
        f"/customers/{customer.pk}",
        {"email": "b@example.com", "collector": None, "terms_days": None},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["email"] == "b@example.com" and body["collector"] is None
    assert body["terms_days"] is None and body["name"] == "Dupont SA"
    entry = AuditEntry.objects.get(object_id=str(customer.pk))
    assert set(entry.changes) == {"email", "collector", "terms_days"}
    response = _send(client, collector, "patch", f"/customers/{customer.pk}", {"on_hold": None})
    assert _fields(response) == {"body.on_hold": "This field cannot be null."}


def test_it_adds_patches_and_removes_contacts(client, collector):
    customer = make_customer()
    old = make_contact(customer, "Ancien", is_billing_contact=True)
    response = _send(
        client,
        collector,
        "post",
        f"/customers/{customer.pk}/contacts",
        {"name": "Paul", "email": "paul@example.com", "is_billing_contact": True},
    )
    assert response.status_code == 201, response.json()
    contact = response.json()
    assert contact["customer_id"] == customer.pk and contact["is_billing_contact"]
    old.refresh_from_db()
    assert not old.is_billing_contact
    response = _send(client, collector, "patch", f"/contacts/{contact['id']}", {"phone": "0102"})
    assert response.json()["phone"] == "0102" and response.json()["name"] == "Paul"
    response = _send(client, collector, "patch", f"/contacts/{contact['id']}", {"email": "no"})
    assert response.status_code == 422 and list(_fields(response)) == ["body.email"]
    response = _send(client, collector, "delete", f"/contacts/{contact['id']}")
    assert response.status_code == 204
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ancien"]
    actions = list(
        AuditEntry.objects.filter(object_id=str(customer.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["contact_create", "contact_update", "contact_delete"]


def test_every_customers_endpoint_is_documented(client):
    paths = client.get(BASE + "/openapi.json").json()["paths"]
    listed = {(m, p) for p, ops in paths.items() for m in ops}
    assert {
        ("get", "/api/v1/customers"),
        ("post", "/api/v1/customers"),
        ("get", "/api/v1/customers/{customer_id}"),
        ("patch", "/api/v1/customers/{customer_id}"),
        ("get", "/api/v1/customers/by-code/{code}"),
        ("get", "/api/v1/customers/{customer_id}/contacts"),
        ("post", "/api/v1/customers/{customer_id}/contacts"),
        ("patch", "/api/v1/contacts/{contact_id}"),
        ("delete", "/api/v1/contacts/{contact_id}"),
    } <= listed
    for path, ops in paths.items():
        if "/customers" in path or "/contacts" in path:
            for method, op in ops.items():
                assert op.get("summary") and "401" in op["responses"], (method, path)


def test_dates_in_the_output_are_iso(client, read_only):
    customer = make_customer(balances_as_of=dt.date(2026, 3, 31))
    body = _get(client, read_only, f"/customers/{customer.pk}").json()
    assert body["balances_as_of"] == "2026-03-31"
