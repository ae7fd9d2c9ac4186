"""Registering a dispute: numbering, routing, deadline, lines, dunning blocks, refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.accounts.models import Department
from encaisse.audit.models import AuditEntry
from encaisse.disputes.choices import EventType, Status
from encaisse.disputes.models import Dispute, DisputeCounter
from encaisse.disputes.services.numbering import next_number
from encaisse.dunning.models import Block
from encaisse.receivables.choices import InvoiceStatus

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


def test_it_registers_a_qualified_dispute_routed_by_its_reason_code(collector, department_member):
    billing = Department.objects.get(code="billing")
    billing.default_owner = department_member
    billing.save()
    dispute = open_dispute(collector)
    assert dispute.number.startswith("LIT-") and dispute.number.endswith("-00001")
    assert dispute.status == Status.QUALIFIED
    assert dispute.department == billing and dispute.owner == department_member
    assert dispute.category.code == "billing"
    assert dispute.coordinator == collector
    # A1: 10 business days from Monday 2 March 2026.
    assert dispute.target_date == dt.date(2026, 3, 16)
    assert dispute.disputed_total == Decimal("2500.00")
    assert [e.type for e in dispute.events.all()] == [EventType.OPENED, EventType.TRANSITION]
    assert AuditEntry.objects.filter(object_type="disputes.dispute", action="create").exists()


def test_it_blocks_dunning_on_the_disputed_amount_of_each_invoice(collector):
    customer = make_customer()
    f1 = make_invoice(customer, "F1", "10000.00")
    f2 = make_invoice(customer, "F2", "400.00")
    dispute = open_dispute(collector, customer=customer, lines=[(f1, "2500"), (f2, "400.00")])
    blocks = {b.invoice.number: b for b in Block.objects.select_related("invoice")}
    assert blocks["F1"].blocked_amount == Decimal("2500.00")
    assert blocks["F2"].blocked_amount == Decimal("400.00")
    assert all(b.kind == "dispute" and b.released_at is None for b in blocks.values())
    assert dispute.number in blocks["F1"].reason
    assert {line.block_id for line in dispute.lines.all()} == {b.pk for b in blocks.values()}


def test_it_leaves_a_dispute_without_reason_code_new_and_unrouted(collector):
    dispute = open_dispute(collector, reason=None)
    assert dispute.status == Status.NEW
    assert dispute.department is None and dispute.target_date is None


def test_it_numbers_disputes_in_sequence_per_year():
    assert next_number(2026) == "LIT-2026-00001"
    assert next_number(2026) == "LIT-2026-00002"
    assert next_number(2027) == "LIT-2027-00001"
    assert DisputeCounter.objects.get(year=2026).last == 2


def test_it_gives_two_disputes_two_numbers(collector):
    customer = make_customer()
    first = open_dispute(collector, customer=customer)
    second = open_dispute(
        collector, customer=customer, lines=[(make_invoice(customer, "F2"), "10.00")]
    )
    assert first.number != second.number
    assert Dispute.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("10000.01", "invoices.0.disputed_amount"),
        ("0", "invoices.0.disputed_amount"),
        ("abc", "invoices.0.disputed_amount"),
    ],
)
def test_it_refuses_a_bad_disputed_amount(collector, amount, field):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "10000.00")
    with pytest.raises(ValidationError) as caught:
        open_dispute(collector, customer=customer, lines=[(invoice, amount)])
    assert field in caught.value.message_dict
    assert not Dispute.objects.exists() and not Block.objects.exists()


def test_it_refuses_to_dispute_twice_the_same_euros(collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "1000.00")
    open_dispute(collector, customer=customer, lines=[(invoice, "800.00")])
    with pytest.raises(ValidationError) as caught:
        open_dispute(collector, customer=customer, lines=[(invoice, "300.00")])
    assert "200.00" in str(caught.value)


def test_it_refuses_another_customers_or_a_settled_invoice(collector):
    customer, other = make_customer(), make_customer("C2", "Autre")
    foreign = make_invoice(other, "F9")
    paid = make_invoice(customer, "F8", open_amount="0", status=InvoiceStatus.SETTLED)
    for invoice in (foreign, paid):
        with pytest.raises(ValidationError) as caught:
            open_dispute(collector, customer=customer, lines=[(invoice, "1.00")])
        assert "invoices.0.invoice" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        open_dispute(collector, customer=customer, lines=[])
    assert "invoices" in caught.value.message_dict
