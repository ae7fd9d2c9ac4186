import email
import io
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from pypdf import PdfReader

from encaisse.company.selectors import company_get
from encaisse.correspondence.models import Letter, OutboxMessage
from encaisse.correspondence.services import (
    action_approve,
    action_dispatch,
    dispatch_pending,
    outbox_send_due,
)
from encaisse.dunning.choices import ActionStatus

from .factories import TODAY, make_action, make_ledger

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(data))).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(autouse=True)
def company():
    company = company_get()
    company.name = "Encaisse Démo"
    company.legal_form = "SAS"
    company.siren = "732829320"
    company.vat_number = "FR44732829320"
    company.address = "1 place Bellecour\n69002 Lyon"
    company.save()
    return company


def test_it_emails_the_billing_contact_with_the_statement_attached(smtp_server):
    customer, invoices = make_ledger()
    action = make_action(customer, invoices)
    message = action_dispatch(action=action, today=TODAY)
    assert message.recipients == ["compta@dupont.example"]
    assert message.language == "fr"
    assert outbox_send_due(worker="w1")["sent"] == 1

    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["compta@dupont.example"]
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Subject"] == "Factures échues – Dupont SA"
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    assert "FA-2025-0042" in text and "3 500,00" in text.replace("\u202f", " ")
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "<p>Bonjour Jeanne Martin,</p>" in html
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    statement = pdf_text(attachment.get_content())
    assert "Relevé de compte" in statement
    assert "FA-2025-0042" in statement and "FA-2026-0007" in statement
    assert "3 500,00" in statement
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_it_writes_in_english_to_an_english_contact_else_the_customer_email():
    customer, invoices = make_ledger(contact_email="", contact_language="en")
    message = action_dispatch(action=make_action(customer, invoices), today=TODAY)
    assert message.recipients == ["contact@dupont.example"]
    assert (message.language, message.subject) == ("en", "Overdue invoices – Dupont SA")
    assert "Total due: 3,500.00 €" in message.body_text


def test_it_prints_a_letter_when_the_customer_has_no_email():
    customer, invoices = make_ledger(contact_email=None)
    customer.email = ""
    customer.save()
    letter = action_dispatch(action=make_action(customer, invoices), today=TODAY)
    assert isinstance(letter, Letter) and letter.channel == "letter"
    assert not OutboxMessage.objects.exists()


def test_it_never_queues_an_action_twice():
    customer, invoices = make_ledger()
    action = make_action(customer, invoices)
    first = action_dispatch(action=action, today=TODAY)
    assert action_dispatch(action=action, today=TODAY) == first
    assert dispatch_pending(today=TODAY) == 0
    assert OutboxMessage.objects.count() == 1


def test_the_letter_lists_the_invoices_the_total_and_the_company_mentions():
    customer, invoices = make_ledger()
    action = make_action(customer, invoices, channel="letter", template_code="reminder-letter")
    letter = action_dispatch(action=action, today=TODAY)
    text = pdf_text(letter.pdf)
    for expected in (
        "Encaisse Démo",
        "SAS",
        "SIREN 732829320",
        "FR44732829320",
        "Dupont SA",
        "12 rue des Lilas",
        "69003 Lyon",
        "Relance pour factures impayées",
        "FA-2025-0042",
        "01/12/2025",
        "2 500,00 €",
        "FA-2026-0007",
        "1 000,00 €",
        "Total dû",
        "3 500,00 €",
    ):
        assert expected in text, expected
    assert "L441-10" not in text
    assert "Malgré nos précédents rappels" in text and "<p>" not in text
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_formal_notice_adds_penalties_and_the_indemnity_to_the_cent():
    """Hand-computed at the L441-10 default, ECB 2.15 % + 10 points = 12.15 % in both
    half-years: FA-2025-0042, 2 500,00 € for 90 days (30 in 2025-H2, 60 in 2026-H1):
    2500 x 12.15 % x 90 / 365 = 74,897 -> 74,90; FA-2026-0007, 1 000,00 € for 45 days:
    14,979 -> 14,98; plus 40,00 € each; total 3 500,00 + 89,88 + 80,00 = 3 669,88."""
    customer, invoices = make_ledger()
    action = make_action(
        customer,
        invoices,
        channel="formal_notice",
        template_code="formal-notice",
        status=ActionStatus.AWAITING_APPROVAL,
        include_penalties=True,
    )
    with pytest.raises(ValidationError):
        action_dispatch(action=action, today=TODAY)
    assert dispatch_pending(today=TODAY) == 0
    action.status = ActionStatus.PLANNED
    action.save()
    letter = action_dispatch(action=action, today=TODAY)
    text = pdf_text(letter.pdf)
    for expected in (
        "Mise en demeure de payer",
        "Lettre recommandée avec accusé de réception",
        "74,90 €",
        "14,98 €",
        "40,00 €",
        "89,88 €",
        "80,00 €",
        "3 669,88 €",
        "L441-10",
        "D441-5",
    ):
        assert expected in text, expected


def test_the_formal_notice_in_english():
    customer, invoices = make_ledger(language="en", contact_language="")
    action = make_action(
        customer,
        invoices,
        channel="formal_notice",
        template_code="formal-notice",
        include_penalties=True,
    )
    text = pdf_text(action_dispatch(action=action, today=TODAY).pdf)
    assert "Formal notice to pay" in text
    assert "3,669.88 €" in text and "40.00 €" in text
    assert "Late-payment interest" in text


@pytest.mark.usefixtures("rates_through_today")
def test_approving_dispatches_after_commit(django_capture_on_commit_callbacks, credit_manager):
    customer, invoices = make_ledger()
    action = make_action(
        customer,
        invoices,
        channel="formal_notice",
        template_code="formal-notice",
        status=ActionStatus.AWAITING_APPROVAL,
        include_penalties=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        action_approve(action=action, actor=credit_manager)
    action.refresh_from_db()
    assert action.approved_by == credit_manager
    assert action.status == ActionStatus.DONE
    assert Letter.objects.filter(action=action).count() == 1
    with pytest.raises(ValidationError), transaction.atomic():
        action_approve(action=action, actor=credit_manager)


def test_the_tick_dispatches_planned_actions_once():
    customer, invoices = make_ledger()
    make_action(customer, invoices)
    make_action(customer, invoices[:1], channel="letter", template_code="reminder-letter")
    make_action(customer, invoices, channel="call", template_code="follow-up-call")
    assert dispatch_pending(today=TODAY) == 2
    assert dispatch_pending(today=TODAY) == 0
    assert (OutboxMessage.objects.count(), Letter.objects.count()) == (1, 1)
