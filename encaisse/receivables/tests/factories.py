"""Small builders for ledger rows in receivables tests (plain ORM, no service side effects)."""

import datetime as dt
from decimal import Decimal

from encaisse.customers.models import Customer
from encaisse.receivables.choices import InvoiceKind, Source
from encaisse.receivables.models import Invoice


def make_customer(code="C1", name="Dupont SA", **extra) -> Customer:
    return Customer.objects.create(code=code, name=name, **extra)


def make_invoice(
    customer, number="F1", amount="1000.00", *, open_amount=None, due=None, issued=None, **extra
) -> Invoice:
    issued = issued or dt.date(2026, 1, 10)
    amount = Decimal(amount)
    return Invoice.objects.create(
        customer=customer,
        number=number,
        issue_date=issued,
        due_date=due or issued + dt.timedelta(days=30),
        amount=amount,
        open_amount=amount if open_amount is None else Decimal(open_amount),
        source=Source.MANUAL,
        **extra,
    )


def make_credit_note(customer, number="AV1", amount="-200.00", **extra) -> Invoice:
    return make_invoice(customer, number, amount, kind=InvoiceKind.CREDIT_NOTE, **extra)
