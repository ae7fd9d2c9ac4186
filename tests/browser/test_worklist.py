"""A collector opens the worklist, opens a call, records "payment confirmed" with a date (a
promise to pay) and finds it on the customer's timeline."""

import datetime as dt

import pytest

from encaisse.accounts.choices import Role
from encaisse.core.dates import today
from encaisse.customers.models import Contact
from encaisse.dunning.tests.worklist_factories import days_ago, make_action
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_collector_records_a_promise_from_a_call(
    page, live_server, login, shot, django_user_model
):
    paul = django_user_model.objects.create_user(
        username="paul", password="demo-password", role=Role.COLLECTOR
    )
    customer = make_customer("C001", "Boulangerie Martin", collector=paul, phone="01 23 45 67 89")
    Contact.objects.create(
        customer=customer, name="Julie Martin", phone="06 11 22 33 44", is_billing_contact=True
    )
    invoices = [
        make_invoice(customer, "F1", "1200.00", due=days_ago(12)),
        make_invoice(customer, "F2", "340.50", due=days_ago(4)),
    ]
    action = make_action(customer, invoices, assigned_to=paul)
    login("paul")
    page.goto(f"{live_server.url}/dunning/worklist/")
    assert page.locator("h1").inner_text() == "Relances du jour"
    assert page.locator("[data-count=calls]").inner_text() == "1"
    shot("worklist")
    page.click(f"tr[data-action='{action.pk}'] a.button")
    page.wait_for_url(f"**/dunning/actions/{action.pk}/call/")
    assert page.locator("a[href='tel:06 11 22 33 44']").count() == 1
    shot("call")
    on = today() + dt.timedelta(days=7)
    page.check("input[name=outcome][value=payment_confirmed]")
    page.fill("#id_promised_on", on.isoformat())
    page.fill("#id_notes", "Virement prévu")
    page.click("#outcome button[type=submit]")
    page.wait_for_url("**/dunning/worklist/")
    assert page.locator("[data-count=calls]").inner_text() == "0"
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    timeline = page.locator("#timeline")
    promise = timeline.locator("[data-entry=promise]")
    assert "1\u202f540,50" in promise.inner_text()
    assert on.strftime("%d/%m/%Y") in promise.inner_text()
    assert timeline.locator("[data-outcome=payment_confirmed]").count() == 1
    timeline.scroll_into_view_if_needed()
    shot("customer-timeline")
