import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.company.selectors import company_get
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus, Source
from encaisse.receivables.services import invoice_create

from .factories import make_customer

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 1, 10)


def _data(**extra):
    return {"number": "F100", "issue_date": ISSUED, "amount": Decimal("1200.00"), **extra}


def test_it_records_an_invoice_open_for_its_whole_amount(credit_manager):
    customer = make_customer()
    invoice = invoice_create(actor=credit_manager, customer=customer, data=_data())
    assert (invoice.kind, invoice.status, invoice.open_amount, invoice.currency) == (
        InvoiceKind.INVOICE,
        InvoiceStatus.OPEN,
        Decimal("1200.00"),
        "EUR",
    )
    assert AuditEntry.objects.get(action="create").actor == credit_manager
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("1200.00")


def test_it_takes_the_due_date_from_the_customer_terms():
    customer = make_customer(terms_kind="eom", terms_days=45)
    invoice = invoice_create(actor=None, customer=customer, data=_data())
    assert invoice.due_date == dt.date(2026, 2, 28)  # 10 Jan + 45 days = 24 Feb -> end of month


def test_it_falls_back_on_the_company_terms():
    company = company_get()
    company.default_terms_days = 60
    company.save()
    invoice = invoice_create(actor=None, customer=make_customer(), data=_data())
    assert invoice.due_date == ISSUED + dt.timedelta(days=60)


def test_it_keeps_a_given_due_date_and_source():
    invoice = invoice_create(
        actor=None,
        customer=make_customer(),
        data=_data(due_date=dt.date(2026, 5, 1)),
        source=Source.API,
    )
    assert (invoice.due_date, invoice.source) == (dt.date(2026, 5, 1), Source.API)


def test_it_stores_credit_note_amounts_negative_whatever_sign_they_come_with():
    customer = make_customer()
    first = invoice_create(
        actor=None, customer=customer, data=_data(kind="credit_note", number="AV1")
    )
    second = invoice_create(
        actor=None,
        customer=customer,
        data=_data(kind="credit_note", number="AV2", amount=Decimal("-80"), open_amount="-30"),
    )
    assert (first.amount, first.open_amount) == (Decimal("-1200.00"), Decimal("-1200.00"))
    assert (second.amount, second.open_amount) == (Decimal("-80.00"), Decimal("-30.00"))


def test_it_refuses_a_negative_invoice():
    with pytest.raises(ValidationError) as caught:
        invoice_create(actor=None, customer=make_customer(), data=_data(amount=Decimal("-5")))
    assert "amount" in caught.value.message_dict


def test_it_refuses_a_duplicate_number_with_a_unique_code():
    customer = make_customer()
    invoice_create(actor=None, customer=customer, data=_data())
    with pytest.raises(ValidationError) as caught:
        invoice_create(actor=None, customer=customer, data=_data())
    assert caught.value.error_dict["number"][0].code == "unique"


def test_it_settles_a_document_created_with_nothing_open():
    invoice = invoice_create(actor=None, customer=make_customer(), data=_data(open_amount=0))
    assert invoice.status == InvoiceStatus.SETTLED
    assert invoice.settled_on is not None
