"""What the customer sends from the dispute page: messages (shown escaped) and documents
(size and type checked, stored under a random name, served only through the dispute's link)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from encaisse.disputes.choices import EventType
from encaisse.disputes.models import Evidence
from encaisse.disputes.services.evidence import evidence_add
from encaisse.portal import tokens

from .factories import customer_with_dispute, dispute_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_records_the_customers_message_and_shows_it_escaped(client):
    _customer, dispute = customer_with_dispute()
    text = '<script>alert("x")</script> <b>Le bon de livraison</b> est joint.'
    response = client.post(dispute_url(dispute, name="portal:message"), {"text": text})
    assert response.status_code == 302
    event = dispute.events.get(type=EventType.CUSTOMER_MESSAGE)
    assert event.comment == text and event.actor is None
    page = client.get(dispute_url(dispute)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b>Le bon" not in page
    assert "Merci, votre message a bien été envoyé." in page


def test_it_refuses_an_empty_message(client):
    _customer, dispute = customer_with_dispute()
    response = client.post(dispute_url(dispute, name="portal:message"), {"text": "   "})
    assert response.status_code == 400
    assert not dispute.events.filter(type=EventType.CUSTOMER_MESSAGE).exists()


def test_it_keeps_a_document_under_a_random_name_and_serves_it_with_the_link_only(
    client, collector
):
    _customer, dispute = customer_with_dispute()
    upload = SimpleUploadedFile("bon-livraison.pdf", PDF, content_type="image/png")
    response = client.post(dispute_url(dispute, name="portal:evidence"), {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get(dispute=dispute)
    assert evidence.from_customer and evidence.content_type == "application/pdf"
    assert "bon-livraison" not in evidence.stored_name and evidence.stored_name.endswith(".pdf")
    page = client.get(dispute_url(dispute)).content.decode()
    assert "bon-livraison.pdf" in page and "Document envoyé" in page
    download = client.get(dispute_url(dispute, name="portal:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    # A document a user added is for users only: not listed, not served.
    internal = evidence_add(actor=collector, dispute=dispute, name="interne.pdf", content=PDF)
    assert "interne.pdf" not in client.get(dispute_url(dispute)).content.decode()
    url = dispute_url(dispute, name="portal:evidence_download", args=[internal.pk])
    assert client.get(url).status_code == 404


def test_it_serves_a_document_only_with_its_own_disputes_link(client):
    _customer, mine = customer_with_dispute("DUP")
    _other, theirs = customer_with_dispute("MAR")
    client.post(
        dispute_url(theirs, name="portal:evidence"),
        {"file": SimpleUploadedFile("theirs.pdf", PDF)},
    )
    evidence = Evidence.objects.get(dispute=theirs)
    # My link cannot fetch their document, nor can a link without a valid signature.
    url = dispute_url(mine, name="portal:evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 404
    bad = reverse("portal:evidence_download", args=["forged:token", evidence.pk])
    assert client.get(bad).status_code == 404


def test_it_refuses_a_document_too_large_or_of_an_unknown_type(client, settings):
    settings.DISPUTES_EVIDENCE_MAX_BYTES = 100
    _customer, dispute = customer_with_dispute()
    url = dispute_url(dispute, name="portal:evidence")
    big = SimpleUploadedFile("big.pdf", PDF + b"x" * 200)
    response = client.post(url, {"file": big})
    assert response.status_code == 400
    assert "Le fichier dépasse 100" in response.content.decode()
    exe = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00")
    response = client.post(url, {"file": exe})
    assert response.status_code == 400
    assert "pas accepté" in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_rate_limits_what_customers_send(client, settings):
    settings.PORTAL_POST_RATE_LIMIT = 2
    _customer, dispute = customer_with_dispute()
    url = dispute_url(dispute, name="portal:message")
    statuses = [client.post(url, {"text": f"message {i}"}).status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert dispute.events.filter(type=EventType.CUSTOMER_MESSAGE).count() == 2


def test_it_refuses_posts_with_a_token_of_another_kind(client):
    _customer, dispute = customer_with_dispute()
    token = tokens.raise_token(customer_id=dispute.customer_id, invoice_ids=[])
    response = client.post(reverse("portal:message", args=[token]), {"text": "hello"})
    assert response.status_code == 404
