"""Builders for correspondence tests: a customer with a billing contact, invoices and a
dunning action listing them; a loopback SMTP server."""

import datetime as dt
import socket
from decimal import Decimal

from encaisse.customers.models import Contact
from encaisse.dunning.choices import ActionSource, ActionStatus
from encaisse.dunning.models import Action, ActionInvoice
from encaisse.receivables.tests.factories import make_customer, make_invoice

__all__ = ["make_action", "make_customer", "make_invoice", "make_ledger", "free_port"]

TODAY = dt.date(2026, 3, 1)


def make_ledger(*, language="fr", contact_email="compta@dupont.example", contact_language=""):
    """Dupont SA with a billing contact and two overdue invoices."""
    customer = make_customer(
        "DUP",
        "Dupont SA",
        language=language,
        email="contact@dupont.example",
        address="12 rue des Lilas",
        postal_code="69003",
        city="Lyon",
    )
    if contact_email is not None:
        Contact.objects.create(
            customer=customer,
            name="Jeanne Martin",
            email=contact_email,
            is_billing_contact=True,
            language=contact_language,
        )
    first = make_invoice(
        customer, "FA-2025-0042", "2500.00", issued=dt.date(2025, 11, 1), due=dt.date(2025, 12, 1)
    )
    second = make_invoice(
        customer, "FA-2026-0007", "1000.00", issued=dt.date(2025, 12, 16), due=dt.date(2026, 1, 15)
    )
    return customer, [first, second]


def make_action(
    customer,
    invoices,
    *,
    channel="email",
    template_code="first-reminder",
    status=ActionStatus.PLANNED,
    include_penalties=False,
) -> Action:
    action = Action.objects.create(
        customer=customer,
        source=ActionSource.MANUAL,
        channel=channel,
        template_code=template_code,
        status=status,
        due_on=TODAY,
        include_penalties=include_penalties,
        total=sum((invoice.open_amount for invoice in invoices), Decimal("0")),
    )
    for invoice in invoices:
        ActionInvoice.objects.create(action=action, invoice=invoice, amount_due=invoice.open_amount)
    return action


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
