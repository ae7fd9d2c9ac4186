"""The link in reminder emails: the customer raises a dispute on the reminder's invoices, with
a reason, an amount, their words and a document; it is registered with origin "customer link"
and routed by the reason's code."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from encaisse.correspondence.services import action_dispatch
from encaisse.correspondence.tests.factories import TODAY, make_action, make_ledger
from encaisse.disputes.choices import Origin, Status
from encaisse.disputes.models import Dispute, Evidence
from encaisse.portal import tokens
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _raise_url(customer, invoices):
    token = tokens.raise_token(customer_id=customer.pk, invoice_ids=[i.pk for i in invoices])
    return reverse("portal:raise", args=[token])


def test_it_puts_the_raise_link_into_the_reminder_email(client):
    customer, invoices = make_ledger()
    action = make_action(customer, invoices)
    message = action_dispatch(action=action, today=TODAY)
    link = re.search(r"http://\S+/p/r/(\S+)/", message.body_text)
    assert link, message.body_text
    assert "Une facture vous semble erronée" in message.body_text
    claims = tokens.read("raise", link.group(1))
    assert claims.customer_id == customer.pk
    assert set(claims.invoice_ids) == {i.pk for i in invoices}
    page = client.get(reverse("portal:raise", args=[link.group(1)])).content.decode()
    assert all(i.number in page for i in invoices)


def test_it_registers_the_dispute_the_customer_raises(client):
    customer, invoices = make_ledger()
    first = invoices[0]
    response = client.post(
        _raise_url(customer, invoices),
        {
            f"pick_{first.pk}": "on",
            f"amount_{first.pk}": "300,50",
            "reason": "price",
            "words": "Remise de 5 % oubliée <b>encore</b>",
            "file": SimpleUploadedFile("devis.pdf", PDF),
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.origin == Origin.CUSTOMER_LINK
    assert dispute.customer == customer
    assert dispute.reason_code.code == "A1" and dispute.status == Status.QUALIFIED
    assert [(line.invoice, line.disputed_amount) for line in dispute.lines.all()] == [
        (first, Decimal("300.50"))
    ]
    assert dispute.words == "Remise de 5 % oubliée <b>encore</b>"
    assert Evidence.objects.get(dispute=dispute).from_customer
    # It lands on the dispute's own page.
    page = client.get(response["Location"]).content.decode()
    assert dispute.number in page and "Remise de 5 % oubliée &lt;b&gt;encore&lt;/b&gt;" in page


def test_it_leaves_a_dispute_for_something_else_unqualified_and_asks_for_words(client):
    customer, invoices = make_ledger()
    url = _raise_url(customer, invoices[:1])
    pick = {f"pick_{invoices[0].pk}": "on", f"amount_{invoices[0].pk}": "100"}
    response = client.post(url, {**pick, "reason": "other", "words": ""})
    assert response.status_code == 400 and not Dispute.objects.exists()
    client.post(url, {**pick, "reason": "other", "words": "Livraison incomplète"})
    dispute = Dispute.objects.get()
    assert dispute.reason_code is None and dispute.status == Status.NEW


def test_it_refuses_more_than_is_open_and_an_empty_choice(client):
    customer, invoices = make_ledger()
    first = invoices[0]
    url = _raise_url(customer, invoices)
    too_much = {f"pick_{first.pk}": "on", f"amount_{first.pk}": "999999", "reason": "price"}
    assert client.post(url, too_much).status_code == 400
    assert client.post(url, {"reason": "price"}).status_code == 400
    assert not Dispute.objects.exists()


def test_it_reaches_no_invoice_outside_the_link(client):
    customer, invoices = make_ledger()
    other = make_customer("MAR", "Martin SARL")
    theirs = make_invoice(other, "MAR-1", "800.00")
    mine_not_in_link = make_invoice(customer, "FA-HORS-LIEN", "500.00")
    url = _raise_url(customer, invoices[:1])
    page = client.get(url).content.decode()
    assert "MAR-1" not in page and "FA-HORS-LIEN" not in page
    # Posting their ids changes nothing: only the link's invoices are fields of the form.
    response = client.post(
        url,
        {
            f"pick_{theirs.pk}": "on",
            f"amount_{theirs.pk}": "800",
            f"pick_{mine_not_in_link.pk}": "on",
            f"amount_{mine_not_in_link.pk}": "500",
            "reason": "price",
        },
    )
    assert response.status_code == 400
    assert not Dispute.objects.exists()
    # A link naming another customer's invoice does not show it either.
    forged = _raise_url(customer, [theirs])
    assert "MAR-1" not in client.get(forged).content.decode()


def test_it_refuses_an_expired_or_tampered_raise_link(client, settings):
    customer, invoices = make_ledger()
    url = _raise_url(customer, invoices)
    assert client.get(url.replace("/r/", "/r/x")).status_code == 404
    settings.PORTAL_LINK_DAYS = -1
    assert client.get(url).status_code == 410
