"""Disputed-portion arithmetic from the run to the paper: an invoice of 10,000 EUR with
2,500 EUR disputed gets a letter, a formal notice and an email for 7,500 EUR that say
"hors montant en litige : 2 500,00 €", and no penalty runs on the 2,500 EUR.

The real chain: a dispute (disputes service) puts a dunning block on 2,500 EUR, the dunning run
(``encaisse dunning run``) creates the action, correspondence dispatches it; the PDFs are read
back with pypdf."""

import datetime as dt
import email
from decimal import Decimal
from email import policy

import pytest

from encaisse.company.selectors import company_get
from encaisse.core.money import format_amount
from encaisse.correspondence.services import action_dispatch, outbox_send_due
from encaisse.customers.models import Contact
from encaisse.disputes.tests.factories import open_dispute
from encaisse.dunning.choices import ActionStatus, Channel
from encaisse.dunning.models import Action, Step
from encaisse.dunning.penalties import invoice_penalties
from encaisse.dunning.selectors import reference_rates
from encaisse.dunning.services import dunning_run_generate
from encaisse.dunning.tests.factories import make_customer, make_invoice, make_scenario

from .test_dispatch import pdf_text

pytestmark = pytest.mark.django_db

RAISED = dt.date(2026, 2, 3)
DUE = dt.date(2026, 2, 1)
NOTE = "hors montant en litige : 2 500,00 €"


@pytest.fixture
def ledger(collector):
    company = company_get()
    company.name = "Encaisse Démo"
    company.save()
    make_scenario()
    customer = make_customer(
        "DUP", "Dupont SA", address="12 rue des Lilas", postal_code="69003", city="Lyon"
    )
    Contact.objects.create(
        customer=customer,
        name="Jeanne Martin",
        email="compta@dupont.example",
        is_billing_contact=True,
    )
    invoice = make_invoice(customer, "F1", "10000.00", due=DUE, issued=DUE - dt.timedelta(days=30))
    other = make_invoice(customer, "F2", "800.00", due=DUE, issued=DUE - dt.timedelta(days=30))
    open_dispute(collector, customer=customer, lines=[(invoice, "2500.00")], raised_on=RAISED)
    return customer, invoice, other


def _action(as_of: dt.date, channel: str) -> Action:
    dunning_run_generate(as_of=as_of)
    action = Action.objects.get(channel=channel, run__as_of=as_of)
    if action.status == ActionStatus.AWAITING_APPROVAL:
        action.status = ActionStatus.PLANNED  # approval is tested elsewhere
        action.save(update_fields=["status"])
    return action


def _text(value) -> str:
    return value.replace("\u202f", " ").replace("\xa0", " ")


def test_it_writes_the_letter_for_the_undisputed_part_and_says_so(ledger):
    as_of = DUE + dt.timedelta(days=20)  # J+20: the J+15 letter
    action = _action(as_of, Channel.LETTER)
    amounts = {line.invoice.number: line.amount_due for line in action.lines.all()}
    assert amounts == {"F1": Decimal("7500.00"), "F2": Decimal("800.00")}

    text = pdf_text(action_dispatch(action=action, today=as_of).pdf)
    assert "7 500,00 €" in text and NOTE in text
    assert "8 300,00 €" in text  # the total asked: 7,500 + 800
    assert "10 000,00" not in text and "10 800,00" not in text
    assert text.count("hors montant en litige") == 2  # under F1 and under the total


def test_the_formal_notice_charges_penalties_on_the_undisputed_part_only(ledger):
    Step.objects.filter(channel=Channel.FORMAL_NOTICE).update(include_penalties=True)
    as_of = DUE + dt.timedelta(days=40)  # J+40: the J+30 formal notice
    action = _action(as_of, Channel.FORMAL_NOTICE)
    text = pdf_text(action_dispatch(action=action, today=as_of).pdf)

    def interest(amount):
        return invoice_penalties(
            amount=Decimal(amount), due_date=DUE, until=as_of, ecb_rates=reference_rates()
        ).interest

    # 7,500 x 12.15 % x 40 / 365 = 99.86; on the whole 10,000 it would be 133.15.
    assert interest("7500.00") == Decimal("99.86")
    assert "99,86 €" in text and "133,15" not in text
    assert NOTE in text and "7 500,00 €" in text
    # Total with penalties: 8,300 + 99.86 + 10.65 (F2) + 2 x 40.
    expected = Decimal("8300.00") + interest("7500.00") + interest("800.00") + Decimal("80.00")
    assert f"{_text(format_amount(expected))} €" in _text(text)


def test_a_formal_notice_without_penalties_has_no_penalty_columns(ledger):
    # The public-sector way: a formal notice whose step charges no L441-10 penalties.
    as_of = DUE + dt.timedelta(days=40)
    text = pdf_text(action_dispatch(action=_action(as_of, Channel.FORMAL_NOTICE), today=as_of).pdf)
    assert "Lettre recommandée" in text and NOTE in text and "8 300,00 €" in text
    assert "Indemnité forfaitaire" not in text and "L441-10" not in text


def test_the_email_and_its_statement_say_so(ledger, smtp_server):
    as_of = DUE + dt.timedelta(days=10)  # J+10: the J+5 email
    action = _action(as_of, Channel.EMAIL)
    message = action_dispatch(action=action, today=as_of)
    assert outbox_send_due(worker="w1")["sent"] == 1

    (envelope,) = smtp_server.messages
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    body = _text(parsed.get_body(preferencelist=("plain",)).get_content())
    assert "7 500,00 €" in body and NOTE in body, body
    assert NOTE in _text(parsed.get_body(preferencelist=("html",)).get_content())
    (attachment,) = list(parsed.iter_attachments())
    assert NOTE in pdf_text(attachment.get_content())
    assert message.subject


def test_a_letter_without_dispute_says_nothing_about_it(collector):
    make_scenario()
    customer = make_customer("SAN", "Sans Litige SARL")
    make_invoice(customer, "F9", "1000.00", due=DUE, issued=DUE - dt.timedelta(days=30))
    as_of = DUE + dt.timedelta(days=20)
    text = pdf_text(action_dispatch(action=_action(as_of, Channel.LETTER), today=as_of).pdf)
    assert "1 000,00 €" in text and "litige" not in text
