"""Small builders for customers tests (plain ORM rows, no service side effects)."""

import datetime as dt
from decimal import Decimal

from encaisse.customers.models import Contact, Customer
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.models import Invoice

# Real identifiers with valid keys (Luhn for SIREN/SIRET, mod 97 for the French VAT key).
SIREN = "552100554"
SIRET = "55210055400013"
VAT = "FR40303265045"


def make_customer(code="C1", name="Dupont SA", **extra) -> Customer:
    return Customer.objects.create(code=code, name=name, **extra)


def make_contact(customer, name="Jeanne Martin", **extra) -> Contact:
    return Contact.objects.create(customer=customer, name=name, **extra)


def make_invoice(customer, number, amount="1000.00", *, due, open_amount=None, **extra):
    amount = Decimal(amount)
    return Invoice.objects.create(
        customer=customer,
        number=number,
        issue_date=extra.pop("issued", due - dt.timedelta(days=30)),
        due_date=due,
        amount=amount,
        open_amount=amount if open_amount is None else Decimal(open_amount),
        source=Source.MANUAL,
        **extra,
    )


def make_settled(customer, number, amount, *, due, settled_on):
    return make_invoice(
        customer,
        number,
        amount,
        due=due,
        open_amount="0",
        status=InvoiceStatus.SETTLED,
        settled_on=settled_on,
    )
