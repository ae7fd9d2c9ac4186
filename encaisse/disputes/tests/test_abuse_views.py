"""The flagged customers page, the abuse card on the customer page, the worklist badge and
``GET /api/v1/disputes/abuse-scores``: who sees them, what they show."""

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.accounts.choices import TokenScope
from encaisse.api.tests.tokens import bearer
from encaisse.disputes.models import AbuseScore, AbuseSettings
from encaisse.disputes.services import abuse_scores_refresh

from .abuse_factories import AS_OF, abusive_customer, honest_customer

pytestmark = pytest.mark.django_db

API = "/api/v1/disputes/abuse-scores"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planted():
    abusive, honest = abusive_customer(), honest_customer()
    abuse_scores_refresh(as_of=AS_OF)
    return abusive, honest


def test_it_lists_the_flagged_customers_with_their_reasons(manager_client, planted):
    abusive, honest = planted
    response = manager_client.get(reverse("disputes:flagged"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-customer="{abusive.code}"' in html
    assert f'data-customer="{honest.code}"' not in html
    assert 'data-reason="unfounded"' in html
    assert "3 litiges clos sur 3 jugés infondés" in html


def test_it_lists_every_scored_customer_on_demand(collector_client, planted):
    response = collector_client.get(reverse("disputes:flagged"), {"all": "1"})
    html = response.content.decode()
    assert all(f'data-customer="{c.code}"' in html for c in planted)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("manager_client", 200),
        ("collector_client", 200),
        ("department_client", 403),
        ("read_only_client", 403),
    ],
)
def test_it_opens_the_flagged_page_to_credit_managers_and_collectors(request, persona, status):
    assert request.getfixturevalue(persona).get(reverse("disputes:flagged")).status_code == status


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("disputes:flagged"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_lets_only_a_credit_manager_score_again_and_change_the_thresholds(
    credit_manager, collector, planted
):
    manager_client, collector_client = _client(credit_manager), _client(collector)
    AbuseScore.objects.all().delete()
    assert collector_client.post(reverse("disputes:flagged_refresh")).status_code == 403
    assert manager_client.post(reverse("disputes:flagged_refresh")).status_code == 302
    assert AbuseScore.objects.count() == 2
    data = {
        "flag_threshold": 90,
        "min_disputes": 3,
        "lookback_days": 730,
        "near_due_days": 5,
        "evidence_late_days": 10,
        "not_received_codes": "F3",
        **{f"weight_{s}": w for s, w in AbuseSettings().weights().items()},
    }
    url = reverse("disputes:abuse_settings")
    assert collector_client.post(url, data).status_code == 403
    assert manager_client.post(url, {**data, "flag_threshold": 120}).status_code == 400
    assert manager_client.post(url, data).status_code == 302
    assert AbuseSettings.current().flag_threshold == 90


def test_it_shows_the_score_on_the_customer_page(credit_manager, read_only, planted):
    abusive, _honest = planted
    url = reverse("customers:detail", args=[abusive.pk])
    read_only_client = _client(read_only)
    html = _client(credit_manager).get(url).content.decode()
    assert 'id="abuse-score"' in html and 'data-reason="not_received"' in html
    # A read-only user sees the customer, not the score.
    assert 'id="abuse-score"' not in read_only_client.get(url).content.decode()


def test_it_marks_flagged_customers_in_the_worklist(
    manager_client, planted, django_assert_max_num_queries
):
    from encaisse.dunning.choices import ActionStatus, Channel
    from encaisse.dunning.models import Action

    abusive, honest = planted
    for customer in planted:
        Action.objects.create(
            customer=customer,
            source="manual",
            channel=Channel.CALL,
            status=ActionStatus.PLANNED,
            due_on=AS_OF,
            total=100,
        )
    html = manager_client.get(reverse("dunning:worklist"), {"collector": "all"}).content.decode()
    assert html.count("data-abuse") == 1
    assert reverse("disputes:flagged") in html


def test_it_lists_abuse_scores_through_the_api(client, credit_manager, planted):
    abusive, honest = planted
    response = client.get(API, **bearer(credit_manager, TokenScope.READ))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["customer_code"] for i in items] == [abusive.code, honest.code]
    first = items[0]
    assert first["flagged"] and first["score"] >= 50
    assert {"code", "count", "of", "points", "text"} <= set(first["reasons"][0])
    flagged = client.get(API, {"flagged": "true"}, **bearer(credit_manager)).json()
    assert [i["customer_code"] for i in flagged["items"]] == [abusive.code]


def test_it_pages_the_api_list(client, collector, planted):
    page = client.get(API, {"limit": 1}, **bearer(collector)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get(API, {"limit": 1, "cursor": page["next_cursor"]}, **bearer(collector)).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    bad = client.get(API, {"cursor": "x"}, **bearer(collector))
    assert bad.status_code == 422


def test_it_refuses_the_api_list_to_other_roles(client, department_member, read_only, planted):
    assert client.get(API, **bearer(department_member)).status_code == 403
    assert client.get(API, **bearer(read_only)).status_code == 403
    assert client.get(API).status_code == 401


def test_it_documents_the_endpoint_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[API]


def test_it_reads_the_flagged_page_and_the_api_list_in_constant_queries(
    client, credit_manager, django_assert_max_num_queries
):
    for n in range(3):
        abusive_customer(f"AB{n}")
    abuse_scores_refresh(as_of=AS_OF)
    browser = _client(credit_manager)
    with django_assert_max_num_queries(8):
        assert browser.get(reverse("disputes:flagged")).status_code == 200
    headers = bearer(credit_manager)
    with django_assert_max_num_queries(6):
        assert len(client.get(API, **headers).json()["items"]) == 3
