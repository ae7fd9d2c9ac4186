"""The stored "ready to close" flag (``Dispute.ready_to_close``, kept by the database triggers of
migration 0008) is the condition ``selectors.ready_to_close`` computes, after every kind of
write that moves it: registering a dispute, credit notes allocated, partly or fully, before or
after the dispute, an invoice settled or reopened by the payment services or by SQL by hand (an
import), an allocation removed, a line changed or removed, a status change, a full save of a
stale dispute."""

import datetime as dt

import pytest
from django.db import connection

from encaisse.disputes.choices import Outcome, Status
from encaisse.disputes.models import Dispute, DisputedInvoice
from encaisse.disputes.selectors import ready_to_close
from encaisse.disputes.services.transitions import dispute_reopen, dispute_resolve
from encaisse.disputes.worklist import WorklistFilters, worklist_page
from encaisse.receivables.models import Allocation, Invoice
from encaisse.receivables.services import credit_note_allocate, payment_create
from encaisse.receivables.tests.factories import make_credit_note

from .factories import cause, make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


def _ready() -> set[int]:
    """The disputes flagged ready, after checking the flag is the live condition."""
    stored = set(Dispute.objects.filter(ready_to_close=True).values_list("pk", flat=True))
    live = set(Dispute.objects.filter(ready_to_close()).values_list("pk", flat=True))
    assert stored == live
    return stored


def test_it_is_kept_when_credit_notes_clear_the_disputed_amount(collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "10000.00")
    early = make_credit_note(customer, "AV0", "-3000.00")
    # A credit note allocated before the dispute was registered does not clear it.
    credit_note_allocate(actor=collector, credit_note=early, invoice=invoice, amount="3000")
    dispute = open_dispute(collector, customer=customer, lines=[(invoice, "2500.00")])
    other = open_dispute(
        collector, customer=customer, lines=[(make_invoice(customer, "F2", "900.00"), "900.00")]
    )
    assert _ready() == set()
    credit_note = make_credit_note(customer, "AV1", "-2500.00")
    credit_note_allocate(actor=collector, credit_note=credit_note, invoice=invoice, amount="1000")
    assert _ready() == set()
    allocation = credit_note_allocate(
        actor=collector, credit_note=credit_note, invoice=invoice, amount="1500"
    )
    assert _ready() == {dispute.pk}
    Allocation.objects.filter(pk=allocation.pk).update(amount="1499.99")
    assert _ready() == set()
    Allocation.objects.filter(pk=allocation.pk).update(amount="1500.00")
    assert _ready() == {dispute.pk}
    Allocation.objects.filter(pk=allocation.pk).delete()
    assert _ready() == set()
    assert other.pk not in _ready()


def test_it_is_kept_when_invoices_are_settled_and_reopened(collector):
    customer = make_customer()
    first = make_invoice(customer, "F1", "1000.00")
    second = make_invoice(customer, "F2", "500.00")
    dispute = open_dispute(collector, customer=customer, lines=[(first, "400.00"), (second, "1")])
    payment_create(
        actor=collector,
        customer=customer,
        reference="VIR-1",
        received_on=dt.date(2026, 3, 10),
        amount="1000.00",
        allocations=[(first, "1000.00")],
    )
    assert Invoice.objects.get(pk=first.pk).open_amount == 0
    assert _ready() == set()  # the second invoice is still open
    # An import settles the second one with a set-based UPDATE.
    Invoice.objects.filter(pk=second.pk).update(open_amount="0", status="settled")
    assert _ready() == {dispute.pk}
    # A payment of part of an invoice leaves it open: not cleared.
    Invoice.objects.filter(pk=second.pk).update(open_amount="0.01", status="open")
    assert _ready() == set()
    with connection.cursor() as cursor:  # SQL by hand
        cursor.execute("UPDATE receivables_invoice SET open_amount = 0 WHERE id = %s", [second.pk])
    assert _ready() == {dispute.pk}


def test_it_is_kept_when_lines_and_statuses_change(collector):
    customer = make_customer()
    settled = make_invoice(customer, "F1", "1000.00")
    still_open = make_invoice(customer, "F2", "800.00")
    dispute = open_dispute(
        collector, customer=customer, lines=[(settled, "400.00"), (still_open, "100.00")]
    )
    Invoice.objects.filter(pk=settled.pk).update(open_amount="0", status="settled")
    assert _ready() == set()
    line = DisputedInvoice.objects.get(dispute=dispute, invoice=still_open)
    line.delete()
    assert _ready() == {dispute.pk}
    DisputedInvoice.objects.create(
        dispute=dispute, invoice=still_open, disputed_amount="100.00", open_amount_at_opening="800"
    )
    assert _ready() == set()
    DisputedInvoice.objects.filter(dispute=dispute, invoice=still_open).update(
        invoice=make_invoice(customer, "F3", "0.00", open_amount="0.00")
    )
    assert _ready() == {dispute.pk}
    # A full save of a copy read before the flag changed writes the status again: the flag is
    # worked out again, not taken from the stale copy.
    stale = Dispute.objects.get(pk=dispute.pk)
    DisputedInvoice.objects.filter(dispute=dispute).delete()
    DisputedInvoice.objects.create(
        dispute=dispute, invoice=still_open, disputed_amount="100.00", open_amount_at_opening="800"
    )
    stale.save()
    assert _ready() == set()
    DisputedInvoice.objects.filter(dispute=dispute, invoice=still_open).delete()
    assert _ready() == {dispute.pk}  # no line left to clear
    dispute = dispute_resolve(
        actor=collector,
        dispute=dispute,
        outcome=Outcome.COMMERCIAL_GESTURE,
        founded=True,
        root_cause=cause(),
    )
    assert _ready() == set()  # resolved: no longer active
    dispute_reopen(actor=collector, dispute=dispute, comment="Le client conteste encore.")
    assert Dispute.objects.get(pk=dispute.pk).status == Status.IN_PROGRESS
    assert _ready() == {dispute.pk}


def test_the_worklist_filter_reads_the_flag(collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "1000.00")
    dispute = open_dispute(collector, customer=customer, lines=[(invoice, "400.00")])
    open_dispute(
        collector, customer=customer, lines=[(make_invoice(customer, "F2", "900.00"), "9")]
    )
    ready = WorklistFilters(tab="all", ready=True)
    assert worklist_page(user=collector, filters=ready).items == []
    Invoice.objects.filter(pk=invoice.pk).update(open_amount="0", status="settled")
    page = worklist_page(user=collector, filters=WorklistFilters(tab="all", ready=True))
    assert [row.pk for row in page.items] == [dispute.pk]
    assert page.items[0].is_ready_to_close
