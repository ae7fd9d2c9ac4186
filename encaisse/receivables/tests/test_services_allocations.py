import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.models import Allocation, Payment
from encaisse.receivables.services import (
    credit_note_allocate,
    payment_allocate,
    payment_create,
)

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 2, 15)


def _pay(customer, amount="500.00", allocations=(), reference="VIR-1", **extra):
    return payment_create(
        actor=None,
        customer=customer,
        reference=reference,
        received_on=RECEIVED,
        amount=amount,
        method="transfer",
        allocations=allocations,
        **extra,
    )


def test_it_records_a_payment_and_settles_the_invoices_it_covers(collector):
    customer = make_customer()
    first = make_invoice(customer, "F1", "300.00")
    second = make_invoice(customer, "F2", "400.00")
    payment = payment_create(
        actor=collector,
        customer=customer,
        reference="VIR-1",
        received_on=RECEIVED,
        amount="500.00",
        method="transfer",
        allocations=[(first, "300.00"), (second, "150.00")],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.open_amount, first.settled_on) == (
        InvoiceStatus.SETTLED,
        Decimal("0.00"),
        RECEIVED,
    )
    assert (second.status, second.open_amount) == (InvoiceStatus.OPEN, Decimal("250.00"))
    assert payment.unallocated_amount == Decimal("50.00")
    assert Allocation.objects.filter(payment=payment).count() == 2
    assert AuditEntry.objects.filter(action="allocate", actor=collector).count() == 2
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("200.00")  # 250 open - 50 on account


def test_it_keeps_an_unallocated_payment_on_account():
    customer = make_customer()
    make_invoice(customer, "F1", "300.00")
    payment = _pay(customer, "120.00")
    assert payment.unallocated_amount == Decimal("120.00")
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("180.00")


def test_it_allocates_an_existing_payment_later():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    payment = _pay(customer, "500.00")
    allocation = payment_allocate(
        actor=None, payment=payment, invoice=invoice, amount=Decimal("300.00")
    )
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert allocation.amount == Decimal("300.00")
    assert payment.unallocated_amount == Decimal("200.00")
    assert invoice.status == InvoiceStatus.SETTLED


def test_it_refuses_to_allocate_more_than_the_invoice_owes():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    payment = _pay(customer, "500.00")
    with pytest.raises(ValidationError) as caught:
        payment_allocate(actor=None, payment=payment, invoice=invoice, amount="300.01")
    assert "300.00" in caught.value.message_dict["amount"][0]
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("300.00")


def test_it_refuses_to_allocate_more_than_the_payment_has_left():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "900.00")
    payment = _pay(customer, "500.00")
    with pytest.raises(ValidationError) as caught:
        payment_allocate(actor=None, payment=payment, invoice=invoice, amount="600")
    assert "amount" in caught.value.message_dict
    payment.refresh_from_db()
    assert payment.unallocated_amount == Decimal("500.00")


def test_it_refuses_an_invoice_of_another_customer():
    payment = _pay(make_customer("C1"))
    other = make_invoice(make_customer("C2", "Autre SAS"), "F9", "100.00")
    with pytest.raises(ValidationError) as caught:
        payment_allocate(actor=None, payment=payment, invoice=other, amount="50")
    assert "autre client" in caught.value.message_dict["invoice"][0]  # French by default


def test_it_refuses_an_invoice_in_another_currency():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "100.00", currency="USD")
    payment = _pay(customer)
    with pytest.raises(ValidationError) as caught:
        payment_allocate(actor=None, payment=payment, invoice=invoice, amount="50")
    assert "USD" in caught.value.message_dict["invoice"][0]


def test_it_names_the_faulty_allocation_and_writes_nothing():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "100.00")
    with pytest.raises(ValidationError) as caught:
        _pay(customer, "500.00", allocations=[(invoice, "60"), (invoice, "60")])
    assert "allocations.1.amount" in caught.value.message_dict
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("100.00")


def test_it_refuses_a_duplicate_payment_reference_for_the_customer():
    customer = make_customer()
    _pay(customer)
    with pytest.raises(ValidationError) as caught:
        _pay(customer)
    assert caught.value.error_dict["reference"][0].code == "unique"


def test_it_uses_a_credit_note_to_settle_an_invoice():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    note = make_credit_note(customer, "AV1", "-200.00")
    credit_note_allocate(actor=None, credit_note=note, invoice=invoice, amount="200.00")
    note.refresh_from_db()
    invoice.refresh_from_db()
    assert (note.open_amount, note.status) == (Decimal("0.00"), InvoiceStatus.SETTLED)
    assert (invoice.open_amount, invoice.status) == (Decimal("100.00"), InvoiceStatus.OPEN)
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("100.00")


def test_it_refuses_to_use_more_than_the_credit_note_has_left():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    note = make_credit_note(customer, "AV1", "-200.00")
    with pytest.raises(ValidationError) as caught:
        credit_note_allocate(actor=None, credit_note=note, invoice=invoice, amount="250")
    assert "200.00" in caught.value.message_dict["amount"][0]


def test_it_refuses_a_credit_note_applied_to_another_credit_note():
    customer = make_customer()
    note = make_credit_note(customer, "AV1", "-200.00")
    other = make_credit_note(customer, "AV2", "-100.00")
    with pytest.raises(ValidationError) as caught:
        credit_note_allocate(actor=None, credit_note=note, invoice=other, amount="50")
    assert "invoice" in caught.value.message_dict


def test_it_refuses_an_invoice_passed_as_the_credit_note():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "300.00")
    other = make_invoice(customer, "F2", "300.00")
    with pytest.raises(ValidationError) as caught:
        credit_note_allocate(actor=None, credit_note=other, invoice=invoice, amount="50")
    assert "credit_note" in caught.value.message_dict
