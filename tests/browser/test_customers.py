"""A collector finds a customer, reads its page (balances, invoices) and adds a contact."""

import datetime as dt

import pytest

from encaisse.accounts.choices import Role
from encaisse.core.dates import today
from encaisse.customers.models import Contact, Segment
from encaisse.customers.tests.builders import SIREN, make_customer, make_invoice, make_settled
from encaisse.receivables.services import customer_balances_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ledger(collector):
    segment = Segment.objects.order_by("name").first()
    dupont = make_customer(
        "C001", "Dupont SA", siren=SIREN, collector=collector, segment=segment, city="Lyon"
    )
    make_invoice(dupont, "F2026-001", "12450.00", due=today() - dt.timedelta(days=45))
    make_invoice(dupont, "F2026-014", "3200.50", due=today() - dt.timedelta(days=5))
    make_invoice(dupont, "F2026-031", "980.00", due=today() + dt.timedelta(days=25))
    make_settled(
        dupont,
        "F2025-220",
        "1500.00",
        due=today() - dt.timedelta(days=70),
        settled_on=today() - dt.timedelta(days=58),
    )
    for n, name in enumerate(["Martin SARL", "Durand et fils", "Boulangerie Petit", "Garage Roux"]):
        customer = make_customer(f"C00{n + 2}", name, collector=collector if n % 2 else None)
        make_invoice(
            customer, f"G{n}", f"{(n + 1) * 1111}.00", due=today() - dt.timedelta(days=n * 20)
        )
    customer_balances_refresh()
    return dupont


def test_a_collector_finds_a_customer_and_adds_a_contact(
    page, live_server, login, shot, django_user_model
):
    collector = django_user_model.objects.create_user(
        username="colin",
        password="demo-password",
        role=Role.COLLECTOR,
        first_name="Colin",
        last_name="Mercier",
    )
    dupont = _ledger(collector)
    login("colin")
    page.click(".mainnav a[href='/customers/']")
    page.wait_for_url(f"{live_server.url}/customers/")
    rows = page.locator("#customers tbody tr")
    assert rows.count() == 5
    assert rows.first.inner_text().startswith("Dupont SA")  # the most overdue first
    shot("customers-list")

    page.fill("#id_q", "durand")
    page.wait_for_function("document.querySelectorAll('#customers tbody tr').length === 1")
    assert "Durand et fils" in page.locator("#customers").inner_text()
    assert "q=durand" in page.url  # the filters stay in the address

    page.fill("#id_q", "552 100")
    page.wait_for_function(
        "document.querySelector('#customers tbody tr td').innerText.startsWith('Dupont')"
    )
    page.click("#customers a:has-text('Dupont SA')")
    page.wait_for_url(f"{live_server.url}/customers/{dupont.pk}/")
    assert page.locator("[data-kpi=open-balance]").inner_text() == "16\u202f630,50 €"
    assert page.locator("[data-kpi=overdue]").inner_text() == "15\u202f650,50 €"
    assert page.locator("[data-kpi=days-late]").inner_text() == "12,0 j"
    open_invoices = page.locator("#open-invoices").inner_text()
    assert "F2026-001" in open_invoices and "12\u202f450,00" in open_invoices
    assert "F2025-220" in page.locator("#settled-invoices").inner_text()
    assert "Colin Mercier" in page.locator("[data-fact=collector]").inner_text()
    shot("customers-detail")

    page.click("#contacts a:has-text('Ajouter un contact')")
    page.fill("#id_name", "Jeanne Martin")
    page.fill("#id_job_title", "Comptable fournisseurs")
    page.fill("#id_email", "jeanne.martin@dupont.example")
    page.check("#id_is_billing_contact")
    page.click("#contact-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/{dupont.pk}/")
    assert "Le contact a été ajouté." in page.locator(".messages").inner_text()
    assert "Jeanne Martin" in page.locator("#contacts").inner_text()
    assert "contact_create" in page.locator("#history").inner_text()
    shot("customers-detail-contact")
    assert Contact.objects.get().customer_id == dupont.pk

    page.click(".toolbar a:has-text('Modifier')")
    page.wait_for_url(f"{live_server.url}/customers/{dupont.pk}/edit/")
    page.fill("#id_siret", "552 100 554 00014")
    page.click("#customer-form button[type=submit]")
    assert "n'est pas un SIRET valide" in page.locator("#customer-form").inner_text()
    shot("customers-edit")
