"""Registering a dispute from the page: prefilled from a customer, an invoice or a call,
partial amounts, evidence, refusals shown on the form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.disputes.choices import Status
from encaisse.disputes.models import Dispute
from encaisse.dunning.choices import CallOutcome
from encaisse.dunning.tests.worklist_factories import make_action

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_it_prefills_the_invoices_with_what_is_open_and_not_disputed(client, collector):
    customer = make_customer()
    f1 = make_invoice(customer, "F1", "10000.00")
    f2 = make_invoice(customer, "F2", "500.00")
    open_dispute(collector, customer=customer, lines=[(f1, "2500.00")])
    client.force_login(collector)
    response = client.get(
        f"/disputes/new/?customer={customer.pk}&invoices={f1.pk},{f2.pk}&origin=email"
    )
    rows = {i.number: (i.ticked, i.typed) for i in response.context["invoices"]}
    assert rows == {"F1": (True, "7500.00"), "F2": (True, "500.00")}
    assert response.context["form"].initial["origin"] == "email"


def test_it_registers_a_partial_dispute_with_evidence(client, collector):
    customer = make_customer()
    contact = customer.contacts.create(name="Mme Martin")
    f1 = make_invoice(customer, "F1", "10000.00")
    make_invoice(customer, "F2", "500.00")
    client.force_login(collector)
    response = client.post(
        f"/disputes/new/?customer={customer.pk}",
        {
            "invoice": [f1.pk],
            f"amount_{f1.pk}": "2 500,00",
            "origin": "call",
            "words": "Prix du devis non respecté",
            "raised_on": "2026-03-02",
            "contact": contact.pk,
            "reason_code": "",
            "files": [SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis")],
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/{dispute.pk}/"
    assert dispute.status == Status.NEW and dispute.contact == contact
    assert [(line.invoice.number, str(line.disputed_amount)) for line in dispute.lines.all()] == [
        ("F1", "2500.00")
    ]
    assert dispute.evidence.get().original_name == "devis.pdf"


def test_it_refuses_more_than_what_is_open_and_keeps_the_input(client, collector):
    customer = make_customer()
    f1 = make_invoice(customer, "F1", "100.00")
    client.force_login(collector)
    response = client.post(
        f"/disputes/new/?customer={customer.pk}",
        {"invoice": [f1.pk], f"amount_{f1.pk}": "150", "origin": "call", "raised_on": "2026-03-02"},
    )
    assert response.status_code == 422
    assert "F1" in response.content.decode() and not Dispute.objects.exists()
    assert response.context["invoices"][0].typed == "150"


def test_it_registers_nothing_when_a_file_is_refused(client, collector):
    customer = make_customer()
    f1 = make_invoice(customer, "F1", "100.00")
    client.force_login(collector)
    response = client.post(
        f"/disputes/new/?customer={customer.pk}",
        {
            "invoice": [f1.pk],
            f"amount_{f1.pk}": "100",
            "origin": "call",
            "raised_on": "2026-03-02",
            "files": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00\x03\x00")],
        },
    )
    assert response.status_code == 422 and not Dispute.objects.exists()


def test_it_finds_the_customer_first(client, collector):
    make_customer("C42", "Boulangerie Martin")
    client.force_login(collector)
    found = client.get("/disputes/new/?q=martin").context["found"]
    assert [c.code for c in found] == ["C42"]


def test_it_links_from_the_customer_and_the_invoice_pages(client, collector, read_only):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "100.00")
    client.force_login(collector)
    assert (
        f"/disputes/new/?customer={customer.pk}"
        in client.get(f"/customers/{customer.pk}/").content.decode()
    )
    invoice_page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert f"/disputes/new/?customer={customer.pk}&amp;invoices={invoice.pk}" in invoice_page
    client.force_login(read_only)
    assert 'id="open-dispute"' not in client.get(f"/customers/{customer.pk}/").content.decode()


def test_a_call_with_a_problem_reported_opens_the_prefilled_form(client, collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "1000.00")
    action = make_action(customer, [invoice], assigned_to=collector)
    client.force_login(collector)
    response = client.post(
        f"/dunning/actions/{action.pk}/outcome/",
        {"outcome": CallOutcome.PROBLEM_REPORTED, "notes": "Prix contesté"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/disputes/new/?customer=")
    form = client.get(response["Location"])
    assert form.context["form"].initial["origin"] == "call"
    assert [i.number for i in form.context["invoices"] if i.ticked] == ["F1"]
