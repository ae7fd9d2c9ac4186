"""Two collectors allocate to the same invoice at the same moment: the row lock makes the
second one see what the first left, so the invoice is never settled twice over."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from encaisse.receivables.models import Allocation, Payment
from encaisse.receivables.services import payment_allocate

from .factories import make_customer, make_invoice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's shared in-memory test database reports "table locked" instead of waiting;
    # on a file database IMMEDIATE transactions already serialize writers.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_concurrent_allocations_cannot_both_take_the_last_euro():
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "100.00")
    payments = [
        Payment.objects.create(
            customer=customer,
            reference=f"P{n}",
            received_on=dt.date(2026, 2, 1),
            amount=Decimal("100.00"),
            unallocated_amount=Decimal("100.00"),
            source="manual",
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def allocate(payment):
        try:
            barrier.wait()
            payment_allocate(actor=None, payment=payment, invoice=invoice, amount="100.00")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(p,)) for p in payments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("0.00")
    assert Allocation.objects.count() == 1
