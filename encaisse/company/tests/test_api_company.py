import pytest

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.audit.models import AuditEntry
from encaisse.company.selectors import company_get

pytestmark = pytest.mark.django_db

URL = "/api/v1/company"


def _patch(client, user, body, scope=TokenScope.READ_WRITE):
    return client.patch(URL, body, content_type="application/json", **bearer(user, scope))


def test_it_refuses_requests_without_a_token(client):
    assert client.get(URL).status_code == 401
    assert client.patch(URL, {}, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("credit_manager", 200),
        ("collector", 200),
        ("read_only", 200),
        ("department_member", 403),
    ],
)
def test_it_shows_the_settings_to_those_who_see_the_ledger(request, client, persona, status):
    response = client.get(URL, **bearer(request.getfixturevalue(persona), TokenScope.READ))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["default_terms_kind"], body["default_terms_days"]) == ("net", 30)
        assert body["aging_bucket_bounds"] == [30, 60, 90]


@pytest.mark.parametrize("persona", ["collector", "department_member", "read_only"])
def test_it_refuses_changes_from_roles_without_manage_settings(request, client, persona):
    response = _patch(client, request.getfixturevalue(persona), {"default_terms_days": 60})
    assert response.status_code == 403
    assert company_get().default_terms_days == 30


def test_it_refuses_changes_through_a_read_only_token(client, credit_manager):
    response = _patch(client, credit_manager, {"default_terms_days": 60}, TokenScope.READ)
    assert response.status_code == 403
    assert company_get().default_terms_days == 30


@pytest.mark.parametrize("persona", ["admin_user", "credit_manager"])
def test_it_changes_only_the_fields_sent_and_records_it(request, client, persona):
    user = request.getfixturevalue(persona)
    response = _patch(
        client,
        user,
        {"default_terms_kind": "eom_then", "default_terms_days": 10, "siren": "552 100 554"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["default_terms_kind"], body["default_terms_days"], body["siren"]) == (
        "eom_then",
        10,
        "552100554",
    )
    assert body["name"] == "Ma Société"
    entry = AuditEntry.objects.get(object_type="company.company")
    assert entry.actor == user
    assert set(entry.changes) == {"default_terms_kind", "default_terms_days", "siren"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"siren": "123456789"}, "body.siren"),
        ({"vat_number": "FR00303265045"}, "body.vat_number"),
        ({"email": "compta"}, "body.email"),
        ({"default_terms_kind": "weekly"}, "body.default_terms_kind"),
        ({"default_terms_days": 400}, "body.default_terms_days"),
        ({"aging_bucket_bounds": [60, 30]}, "body.aging_bucket_bounds"),
        ({"aging_bucket_bounds": []}, "body.aging_bucket_bounds"),
        ({"aging_bucket_bounds": [0, 30]}, "body.aging_bucket_bounds.0"),
        ({"name": ""}, "body.name"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(client, credit_manager, body, field):
    response = _patch(client, credit_manager, body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [f["field"] for f in error["fields"]] == [field]
    assert not AuditEntry.objects.exists()
