"""Disputes in a browser: a collector records a dispute from a call whose outcome is "problem
reported"; a member of the billing department finds it in their worklist and resolves it with a
credit note from the row's quick actions, then reads its timeline."""

import pytest
from playwright.sync_api import expect

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.disputes.choices import Status
from encaisse.disputes.models import Dispute, ReasonCode
from encaisse.dunning.tests.worklist_factories import days_ago, make_action
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_call_becomes_a_dispute_that_billing_resolves_with_a_credit_note(
    page, live_server, login, shot, django_user_model
):
    paul = django_user_model.objects.create_user(
        username="paul", password="demo-password", role=Role.COLLECTOR
    )
    billing = Department.objects.get(code="billing")
    denis = django_user_model.objects.create_user(
        username="denis",
        password="demo-password",
        role=Role.DEPARTMENT_MEMBER,
        department=billing,
        first_name="Denis",
        last_name="Facturation",
    )
    billing.default_owner = denis
    billing.save()
    customer = make_customer("C001", "Boulangerie Martin", collector=paul)
    invoices = [
        make_invoice(customer, "F1", "10000.00", due=days_ago(12)),
        make_invoice(customer, "F2", "340.50", due=days_ago(4)),
    ]
    action = make_action(customer, invoices, assigned_to=paul)

    login("paul")
    page.goto(f"{live_server.url}/dunning/actions/{action.pk}/call/")
    page.check("input[name=outcome][value=problem_reported]")
    page.fill("#id_notes", "Remise de 25 % oubliée sur F1")
    page.click("#outcome button[type=submit]")
    page.wait_for_url("**/disputes/new/**")
    assert page.locator("#id_origin").input_value() == "call"
    assert page.locator("tr[data-invoice=F1] input[type=checkbox]").is_checked()
    # Only part of F1 is contested; F2 is not.
    page.uncheck("tr[data-invoice=F2] input[type=checkbox]")
    page.fill("tr[data-invoice=F1] input.amount", "2500,00")
    page.fill("#id_words", "La remise de 25 % du devis n'a pas été appliquée.")
    page.select_option("#id_reason_code", label="A1 Erreur de prix ou de remise")
    shot("dispute-new")
    page.click("#new-facts button[type=submit]")
    page.wait_for_url("**/disputes/*/")
    dispute = Dispute.objects.get()
    assert page.locator("[data-fact=status]").inner_text() == "Qualifié"
    assert page.locator("[data-fact=department]").inner_text() == "Facturation"
    assert "2\u202f500,00" in page.locator("[data-fact=disputed-total]").inner_text()
    shot("dispute-detail-new")

    page.click("form[action$='/logout/'] button")
    login("denis")
    page.goto(f"{live_server.url}/disputes/")
    row = page.locator(f"tr[data-dispute='{dispute.number}']")
    assert "Boulangerie Martin" in row.inner_text()
    assert page.locator("a[href='/customers/']").count() == 0  # no ledger in the nav
    shot("disputes-worklist")
    row.locator("details.quick summary").click()
    form = row.locator("form[data-quick=credit-note]")
    form.locator("input[name=credit_note_number]").fill("AV-2026-0042")
    form.locator("select[name=root_cause]").select_option(label="Erreur de facturation")
    shot("disputes-quick-actions")
    form.locator("button[type=submit]").click()
    resolved = page.locator(f"tr[data-dispute='{dispute.number}'] .status")
    resolved.filter(has_text="Résolu").wait_for()
    dispute.refresh_from_db()
    assert dispute.status == Status.RESOLVED
    assert (dispute.credit_note_number, str(dispute.credit_note_amount)) == (
        "AV-2026-0042",
        "2500.00",
    )
    page.click(f"a[href='/disputes/{dispute.pk}/']")
    page.wait_for_url(f"**/disputes/{dispute.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.locator("[data-event=transition]").count() == 2
    assert "AV-2026-0042" in timeline.inner_text()
    assert "Avoir émis" in page.locator("[data-fact=outcome]").inner_text()
    shot("dispute-detail-resolved")


def test_a_collector_qualifies_a_dispute_and_reads_its_notification(
    page, live_server, login, shot, manager, django_user_model
):
    import datetime as dt

    from encaisse.disputes.services import dispute_open, disputes_escalate

    customer = make_customer("C002", "Garage Dupuis")
    invoice = make_invoice(customer, "F7", "1800.00", due=days_ago(20))
    late = dispute_open(
        actor=manager,
        customer=customer,
        invoices_amounts=[(make_invoice(customer, "F8", "900.00"), "900.00")],
        origin="email",
        raised_on=dt.date(2026, 3, 2),
        words="Facture reçue en double",
        reason_code=ReasonCode.objects.get(code="A2"),
    )
    disputes_escalate(as_of=dt.date(2026, 12, 1))
    fresh = dispute_open(
        actor=manager,
        customer=customer,
        invoices_amounts=[(invoice, "1800.00")],
        origin="salesperson",
        words="Pièce livrée cassée",
    )
    login("claire")
    page.goto(f"{live_server.url}/disputes/")
    assert page.locator(f"tr[data-dispute='{late.number}'] [data-badge=late]").count() == 1
    # Owner (here the coordinator) then credit manager: two notices for the late dispute.
    assert page.locator("#nav-notifications").inner_text() == "2"
    shot("disputes-worklist-all")
    page.goto(f"{live_server.url}/disputes/{fresh.pk}/")
    page.click("#action-qualify summary")
    page.select_option(
        "#action-qualify select[name=reason_code]", label="B2 Marchandise défectueuse"
    )
    shot("dispute-qualify")
    page.click("#action-qualify button[type=submit]")
    page.wait_for_url(f"**/disputes/{fresh.pk}/")
    assert page.locator("[data-fact=department]").inner_text() == "Logistique"
    page.click("#action-transition summary")
    page.select_option("#action-transition select[name=to_status]", "waiting_customer")
    page.fill("#action-transition textarea[name=comment]", "Photos demandées au client")
    page.click("#action-transition button[type=submit]")
    page.wait_for_url(f"**/disputes/{fresh.pk}/")
    assert page.locator("[data-fact=status]").inner_text() == "En attente du client"
    shot("dispute-detail-working")
    page.click("#nav-notifications")
    page.wait_for_url("**/disputes/notifications/")
    shot("disputes-notifications")
    page.click("#notifications button.linklike >> nth=0")
    page.wait_for_url(f"**/disputes/{late.pk}/")
    assert page.locator("#nav-notifications").inner_text() == "1"


def test_a_collector_copies_the_customers_link_from_the_dispute_page(
    page, live_server, login, shot, django_user_model
):
    django_user_model.objects.create_user(
        username="paul", password="demo-password", role=Role.COLLECTOR
    )
    from encaisse.disputes.tests.factories import open_dispute

    dispute = open_dispute()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login("paul")
    page.goto(f"{live_server.url}/disputes/{dispute.pk}/")
    link = page.locator("#customer-link-url").input_value()
    assert "/p/d/" in link
    assert "jusqu'au" in page.locator("[data-fact=link-lifetime]").inner_text()
    page.click("button[data-copy=customer-link-url]")
    # The clipboard answers asynchronously: the button says so once it has.
    expect(page.locator("button[data-copy=customer-link-url]")).to_have_text("Copié")
    assert page.evaluate("navigator.clipboard.readText()") == link
    shot("dispute-customer-link")
    # The copied link opens the customer's page, without a login.
    page.context.clear_cookies()
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert dispute.number in page.content()
