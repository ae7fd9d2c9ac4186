"""The customer's dispute page: opened by its signed link only, showing the status, the next
step, the expected date and the customer-visible timeline, and nothing of another customer."""

import pytest
from django.urls import reverse

from encaisse.disputes.choices import Status
from encaisse.disputes.services import dispute_comment, dispute_transition
from encaisse.portal import tokens

from .factories import customer_with_dispute, dispute_url, expired_dispute_url

pytestmark = pytest.mark.django_db


def test_it_shows_the_status_next_step_and_expected_date_with_a_valid_link(client, collector):
    _customer, dispute = customer_with_dispute()
    dispute_transition(actor=collector, dispute=dispute, to_status=Status.WAITING_CUSTOMER)
    response = client.get(dispute_url(dispute))
    assert response.status_code == 200
    page = response.content.decode()
    assert dispute.number in page
    assert "En attente du client" in page
    assert "Nous avons besoin d" in page  # the next step, in the customer's language
    assert "16 mars 2026" in page  # A1: ten business days from Monday 2 March
    assert "DUP-F1" in page and "2\u202f500,00" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_it_keeps_internal_comments_off_the_customer_timeline(client, collector):
    _customer, dispute = customer_with_dispute()
    dispute_comment(actor=collector, dispute=dispute, comment="Client difficile, à surveiller")
    dispute_transition(
        actor=collector,
        dispute=dispute,
        to_status=Status.IN_PROGRESS,
        comment="Note interne du service facturation",
    )
    page = client.get(dispute_url(dispute)).content.decode()
    assert "Statut : En cours" in page
    assert "Client difficile" not in page
    assert "Note interne" not in page


def test_it_answers_an_expired_link_with_its_own_page(client, settings):
    settings.PORTAL_LINK_DAYS = 60
    _customer, dispute = customer_with_dispute()
    assert client.get(expired_dispute_url(dispute, days=59)).status_code == 200
    response = client.get(expired_dispute_url(dispute, days=61))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    assert dispute.number not in response.content.decode()


def test_it_refuses_a_tampered_link(client):
    _customer, dispute = customer_with_dispute()
    token = tokens.dispute_token(dispute_id=dispute.pk, customer_id=dispute.customer_id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(reverse("portal:dispute", args=[tampered]))
    assert response.status_code == 404
    assert dispute.number not in response.content.decode()
    # A token of another kind (the raise link of the same customer) does not open it either.
    other_kind = tokens.raise_token(customer_id=dispute.customer_id, invoice_ids=[dispute.pk])
    assert client.get(reverse("portal:dispute", args=[other_kind])).status_code == 404


def test_it_does_not_open_another_customers_dispute(client):
    customer, _mine = customer_with_dispute("DUP")
    _other, theirs = customer_with_dispute("MAR")
    # A genuine token naming my customer and their dispute (a forged pairing) is refused.
    token = tokens.dispute_token(dispute_id=theirs.pk, customer_id=customer.pk)
    response = client.get(reverse("portal:dispute", args=[token]))
    assert response.status_code == 404
    assert theirs.number not in response.content.decode()
    assert "MAR-F1" not in response.content.decode()


@pytest.mark.parametrize(
    "persona", [None, "credit_manager", "collector", "department_member", "read_only"]
)
def test_it_opens_with_the_link_alone_and_grants_nothing_to_a_signed_in_user(
    client, request, persona
):
    """The token is the only credential: anyone holding the link sees the page, signed in or
    not, and no role opens a page without a valid token."""
    _customer, dispute = customer_with_dispute()
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(dispute_url(dispute)).status_code == 200
    assert client.get(reverse("portal:dispute", args=["not-a-token"])).status_code == 404
    message = reverse("portal:message", args=["not-a-token"])
    assert client.post(message, {"text": "x"}).status_code == 404


def test_it_speaks_the_customers_language(client):
    _customer, dispute = customer_with_dispute(language="en")
    page = client.get(dispute_url(dispute), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page
    assert "The team in charge is examining your dispute." in page
    assert "Expected answer by" in page and "March 16, 2026" in page


def test_it_rate_limits_the_pages_per_client_address(client, settings):
    settings.PORTAL_RATE_LIMIT = 3
    _customer, dispute = customer_with_dispute()
    url = dispute_url(dispute)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    # Another address is counted apart.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_it_counts_each_customer_apart_behind_a_trusted_proxy(client, settings):
    settings.PORTAL_RATE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
    _customer, dispute = customer_with_dispute()
    url = dispute_url(dispute)

    def through_proxy(client_ip):
        return client.get(
            url, REMOTE_ADDR="10.1.0.5", HTTP_X_FORWARDED_FOR=f"{client_ip}, 10.1.0.7"
        ).status_code

    assert [through_proxy("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    # Another customer behind the same proxy has their own count.
    assert through_proxy("198.51.100.2") == 200
    # What a client writes before the proxy's own entry does not buy it a fresh count.
    spoofed = client.get(
        url, REMOTE_ADDR="10.1.0.5", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.1"
    )
    assert spoofed.status_code == 429


def test_it_ignores_forwarded_addresses_from_an_untrusted_peer(client, settings):
    settings.PORTAL_RATE_LIMIT = 2
    _customer, dispute = customer_with_dispute()
    url = dispute_url(dispute)
    # No proxy is trusted by default: the header is the client's own claim, and ignored.
    statuses = [
        client.get(url, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Trusting another proxy does not make this peer one.
    settings.TRUSTED_PROXIES = ["10.1.0.5"]
    forged = client.get(url, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert forged.status_code == 429


def test_it_rate_limits_bad_tokens_too(client, settings):
    settings.PORTAL_RATE_LIMIT = 2
    statuses = [
        client.get(reverse("portal:dispute", args=[f"guess{i}"])).status_code for i in range(3)
    ]
    assert statuses == [404, 404, 429]
