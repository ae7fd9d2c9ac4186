"""A collector puts a customer on hold from its timeline and sees the hold badge on the customer
list and the invoice list; the timeline shows how the reminder email went out."""

import datetime as dt

import pytest

from encaisse.accounts.choices import Role
from encaisse.core.dates import today
from encaisse.correspondence.services import action_dispatch
from encaisse.customers.models import Contact
from encaisse.dunning.tests.worklist_factories import days_ago, make_action
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_collector_puts_a_customer_on_hold_and_sees_it_everywhere(
    page, live_server, login, shot, django_user_model
):
    paul = django_user_model.objects.create_user(
        username="paul", password="demo-password", role=Role.COLLECTOR
    )
    customer = make_customer("C001", "Boulangerie Martin", collector=paul)
    Contact.objects.create(
        customer=customer,
        name="Julie Martin",
        email="julie@martin.example",
        is_billing_contact=True,
    )
    invoice = make_invoice(customer, "F1", "1200.00", due=days_ago(12))
    make_invoice(make_customer("C002", "Garage Durand"), "G1", "300.00", due=days_ago(3))
    email = make_action(customer, [invoice], channel="email")
    email.template_code = "first-reminder"
    email.save()
    action_dispatch(action=email)

    login("paul")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    timeline = page.locator("#timeline")
    assert (
        timeline.locator("[data-delivery=queued]")
        .inner_text()
        .startswith("E-mail : en file d'attente")
    )
    until = today() + dt.timedelta(days=20)
    timeline.locator("summary", has_text="Suspendre").click()
    hold = timeline.locator("form[action$='/holds/']")
    hold.locator("[name=reason]").fill("Rachat en cours")
    hold.locator("[name=ends_on]").fill(until.isoformat())
    hold.locator("button[type=submit]").click()
    page.wait_for_url(f"**/customers/{customer.pk}/**")
    badge = page.locator("h1 [data-hold=hold]")
    assert until.strftime("%d/%m/%Y") in badge.inner_text()
    shot("customer-on-hold")

    page.goto(f"{live_server.url}/customers/")
    assert page.locator("tr", has_text="Boulangerie Martin").locator("[data-hold]").count() == 1
    assert page.locator("tr", has_text="Garage Durand").locator("[data-hold]").count() == 0
    shot("customers-hold-badge")
    page.goto(f"{live_server.url}/invoices/")
    assert page.locator("tr[data-number=F1] [data-hold=hold]").count() == 1
    assert page.locator("tr[data-number=G1] [data-hold]").count() == 0
    shot("invoices-hold-badge")
