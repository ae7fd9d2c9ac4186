import datetime as dt

import pytest
from django.utils import timezone

from encaisse.accounts.choices import Role, TokenScope
from encaisse.api.tests.tokens import make_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def _get(client, raw):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _unauthorized(response):
    return response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_it_lets_a_valid_token_in_and_stamps_its_last_use(client, read_only):
    token, raw = make_token(read_only, TokenScope.READ)
    assert _get(client, raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_a_request_without_a_token(client):
    assert _unauthorized(client.get(URL))


def test_it_refuses_an_unknown_token(client, read_only):
    make_token(read_only)
    assert _unauthorized(_get(client, "enc_not-a-real-token"))


def test_it_refuses_a_revoked_token(client, read_only):
    token, raw = make_token(read_only, revoked_at=timezone.now())
    assert _unauthorized(_get(client, raw))


def test_it_refuses_the_token_of_a_deactivated_user(client, read_only):
    _token, raw = make_token(read_only)
    read_only.is_active = False
    read_only.save()
    assert _unauthorized(_get(client, raw))


def test_it_ignores_a_browser_session(client, read_only):
    client.force_login(read_only)
    assert _unauthorized(client.get(URL))


def test_it_never_gives_a_token_more_than_its_owner_role(client, read_only):
    _token, raw = make_token(read_only, TokenScope.READ_WRITE)
    response = client.post(
        URL,
        {"customer_code": "C1", "number": "F1", "issue_date": "2026-01-10", "amount": "1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_it_follows_a_role_change_at_once(client, collector):
    _token, raw = make_token(collector)
    assert _get(client, raw).status_code == 200
    collector.role = Role.DEPARTMENT_MEMBER
    collector.save()
    assert _get(client, raw).status_code == 403


def test_it_stamps_last_use_at_most_once_a_minute(client, read_only, django_assert_num_queries):
    token, raw = make_token(read_only)
    token.last_used_at = timezone.now() - dt.timedelta(seconds=5)
    token.save()
    with django_assert_num_queries(2):  # the token, the invoices: no UPDATE
        assert _get(client, raw).status_code == 200
