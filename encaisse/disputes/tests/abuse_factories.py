"""A small planted history for the abuse score: an abusive customer, an honest one, and the
dunning actions and evidence around their disputes."""

import datetime as dt
import secrets

from encaisse.disputes.choices import Outcome
from encaisse.disputes.models import Evidence
from encaisse.disputes.services import dispute_resolve
from encaisse.dunning.choices import ActionSource, ActionStatus, CallOutcome, Channel
from encaisse.dunning.models import Action, ActionInvoice

from .factories import cause, make_customer, make_invoice, open_dispute

AS_OF = dt.date(2026, 6, 30)


def action_done(invoice, channel, on, outcome=""):
    action = Action.objects.create(
        customer=invoice.customer,
        source=ActionSource.MANUAL,
        channel=channel,
        status=ActionStatus.DONE,
        due_on=on,
        total=invoice.amount,
        outcome=outcome,
    )
    ActionInvoice.objects.create(action=action, invoice=invoice, amount_due=invoice.amount)
    return action


def evidence_on(dispute, on):
    row = Evidence.objects.create(
        dispute=dispute,
        original_name="photo.jpg",
        stored_name=secrets.token_hex(8) + ".jpg",
        content_type="image/jpeg",
        size=1000,
        sha256="0" * 64,
    )
    Evidence.objects.filter(pk=row.pk).update(
        uploaded_at=dt.datetime(on.year, on.month, on.day, 12, tzinfo=dt.UTC)
    )
    return row


def abusive_customer(code="ABUS", disputes=3):
    """Disputes on the whole amount, raised 20 days after the due date once a formal notice
    went out, no evidence, mostly "invoice not received", all rejected as unfounded; the first
    invoice had been confirmed on a courtesy call."""
    customer = make_customer(code, f"Client {code}")
    for n in range(disputes):
        issued = dt.date(2026, 1, 5) + dt.timedelta(days=30 * n)
        invoice = make_invoice(customer, f"{code}-{n}", "1000.00", issued=issued)
        due = invoice.due_date
        if n == 0:
            action_done(
                invoice, Channel.CALL, due - dt.timedelta(days=10), CallOutcome.PAYMENT_CONFIRMED
            )
        action_done(invoice, Channel.EMAIL, due + dt.timedelta(days=5))
        action_done(invoice, Channel.FORMAL_NOTICE, due + dt.timedelta(days=15))
        dispute = open_dispute(
            customer=customer,
            lines=[(invoice, "1000.00")],
            reason="F3" if n < 2 else "C1",
            raised_on=due + dt.timedelta(days=20),
        )
        dispute_resolve(
            actor=None,
            dispute=dispute,
            outcome=Outcome.REJECTED,
            founded=False,
            root_cause=cause("payment-delay-tactic"),
        )
    return customer


def honest_customer(code="HONN", disputes=3):
    """Disputes on part of the invoice three days after it was issued, with a photo the same
    day, all founded and settled by a credit note."""
    customer = make_customer(code, f"Client {code}")
    for n in range(disputes):
        issued = dt.date(2026, 1, 5) + dt.timedelta(days=30 * n)
        invoice = make_invoice(customer, f"{code}-{n}", "1000.00", issued=issued)
        raised = issued + dt.timedelta(days=3)
        dispute = open_dispute(
            customer=customer, lines=[(invoice, "250.00")], reason="B2", raised_on=raised
        )
        evidence_on(dispute, raised)
        dispute_resolve(
            actor=None,
            dispute=dispute,
            outcome=Outcome.CREDIT_NOTE,
            founded=True,
            root_cause=cause("transport-damage"),
            credit_note_number=f"AV-{code}-{n}",
            credit_note_amount="250.00",
        )
    return customer
