import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from encaisse.accounts.choices import TokenScope
from encaisse.accounts.models import ApiToken, hash_token
from encaisse.accounts.services import token_create, token_revoke
from encaisse.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = reverse("accounts:tokens")


def _raw_from(response) -> str:
    return re.search(r'data-token="(enc_[^"]+)"', response.content.decode()).group(1)


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_creates_a_token_shows_it_once_and_keeps_only_its_hash(manager_client, credit_manager):
    response = manager_client.post(URL, {"name": "ERP push", "scope": TokenScope.READ_WRITE})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = _raw_from(response)
    token = ApiToken.objects.get(user=credit_manager)
    assert token.token_hash == hash_token(raw)
    assert raw not in {token.name, token.token_hash, token.hint}
    assert (token.scope, token.hint) == (TokenScope.READ_WRITE, raw[:10])
    assert AuditEntry.objects.filter(action="create", object_type="accounts.apitoken").exists()
    again = manager_client.get(URL).content.decode()
    assert raw not in again
    assert "ERP push" in again and token.hint in again


def test_the_token_it_creates_opens_the_api(manager_client):
    raw = _raw_from(manager_client.post(URL, {"name": "script", "scope": TokenScope.READ}))
    response = manager_client.get("/api/v1/invoices", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("persona", "scopes"),
    [
        ("read_only_client", [TokenScope.READ]),
        # Department members work disputes through the API.
        ("department_client", [TokenScope.READ, TokenScope.READ_WRITE]),
        ("collector_client", [TokenScope.READ, TokenScope.READ_WRITE]),
        ("manager_client", [TokenScope.READ, TokenScope.READ_WRITE]),
    ],
)
def test_it_offers_read_write_only_to_roles_that_can_edit(request, persona, scopes):
    client = request.getfixturevalue(persona)
    choices = client.get(URL).context["form"]["scope"].field.choices
    assert [value for value, _label in choices] == scopes


def test_it_refuses_a_read_write_token_to_a_read_only_user(read_only_client, read_only):
    response = read_only_client.post(URL, {"name": "x", "scope": TokenScope.READ_WRITE})
    assert response.status_code == 200
    assert response.context["form"].errors["scope"]
    assert not ApiToken.objects.exists()
    with pytest.raises(ValidationError):
        token_create(actor=read_only, name="x", scope=TokenScope.READ_WRITE)


def test_it_revokes_a_token_and_the_api_then_refuses_it(manager_client, credit_manager):
    token, raw = token_create(actor=credit_manager, name="ci", scope=TokenScope.READ)
    response = manager_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="revoke").count() == 1
    api = manager_client.get("/api/v1/invoices", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    assert "révoqué le" in manager_client.get(URL).content.decode()


def test_it_answers_404_for_revoking_somebody_elses_token(manager_client, collector):
    token, raw = token_create(actor=collector, name="theirs", scope=TokenScope.READ)
    response = manager_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_only_revokes_with_a_post(manager_client, credit_manager):
    token, _raw = token_create(actor=credit_manager, name="ci", scope=TokenScope.READ)
    assert manager_client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_it_lists_only_my_tokens(manager_client, credit_manager, collector):
    token_create(actor=credit_manager, name="mine", scope=TokenScope.READ)
    token_create(actor=collector, name="not-mine", scope=TokenScope.READ)
    page = manager_client.get(URL).content.decode()
    assert "mine" in page and "not-mine" not in page


def test_revoking_twice_changes_nothing_more(credit_manager):
    token, _raw = token_create(actor=credit_manager, name="ci", scope=TokenScope.READ)
    first = token_revoke(actor=credit_manager, token=token).revoked_at
    assert token_revoke(actor=credit_manager, token=token).revoked_at == first
    assert AuditEntry.objects.filter(action="revoke").count() == 1


def test_it_refuses_a_nameless_token(credit_manager):
    with pytest.raises(ValidationError):
        token_create(actor=credit_manager, name="  ", scope=TokenScope.READ)
