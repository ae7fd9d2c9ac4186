"""A credit manager previews a letter template on a real customer, sees a template error
explained, then downloads the letters to print as one PDF."""

import pytest

from encaisse.company.selectors import company_get
from encaisse.correspondence.models import Letter, Template
from encaisse.correspondence.services import action_dispatch
from encaisse.correspondence.tests.factories import TODAY, make_action, make_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger():
    company = company_get()
    company.name, company.legal_form, company.siren = "Encaisse Démo", "SAS", "732829320"
    company.address = "1 place Bellecour\n69002 Lyon"
    company.save()
    customer, invoices = make_ledger()
    for invoice, channel in zip(invoices, ("letter", "formal_notice"), strict=True):
        code = "reminder-letter" if channel == "letter" else "formal-notice"
        action = make_action(
            customer, [invoice], channel=channel, template_code=code, include_penalties=True
        )
        action_dispatch(action=action, today=TODAY)
    return customer


def test_a_manager_previews_a_template_and_prints_the_letters(
    page, live_server, manager, login, ledger, shot
):
    login()
    page.goto(f"{live_server.url}/settings/templates/")
    page.wait_for_selector("#templates")
    shot("correspondence-templates")
    formal_notice = Template.objects.get(code="formal-notice", language="fr")
    page.click(f"#templates a[href='/settings/templates/{formal_notice.pk}/']")
    page.fill("#id_customer", "DUP")
    page.click("#template-form button[name=preview]")
    page.wait_for_selector("#preview iframe")
    frame = page.frame_locator("#preview iframe")
    frame.locator("text=FA-2025-0042").wait_for()
    shot("correspondence-template-preview")

    page.fill("#id_body", "{{ total|nope }}")
    page.click("#template-form button[name=preview]")
    page.wait_for_selector(".template-error:has-text('nope')")
    shot("correspondence-template-error")

    page.goto(f"{live_server.url}/dunning/letters/")
    page.wait_for_selector("#letters-to-print")
    shot("correspondence-letters")
    with page.expect_download() as download:
        page.click("#print-all")
    assert download.value.suggested_filename.endswith(".pdf")
    assert Letter.objects.filter(printed_at__isnull=True).count() == 0
