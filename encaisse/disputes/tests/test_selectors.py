"""Reads: who sees which disputes, and the disputes proposed for closing because a payment or a
credit note cleared the disputed amounts."""

import pytest
from django.http import Http404

from encaisse.disputes.selectors import (
    access_dispute,
    disputes_proposed_for_closing,
    disputes_visible_to,
)
from encaisse.receivables.services import credit_note_allocate
from encaisse.receivables.tests.factories import make_credit_note

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


def test_department_members_see_their_department_and_what_they_own(
    collector, department_member, read_only
):
    billing = open_dispute(collector, reason="A1")
    other = make_customer("C2", "Autre")
    logistics = open_dispute(
        collector, customer=other, lines=[(make_invoice(other, "F9"), "1")], reason="B1"
    )
    assert list(disputes_visible_to(department_member)) == [billing]
    with pytest.raises(Http404):
        access_dispute(department_member, logistics.pk)
    logistics.owner = department_member
    logistics.save()
    assert access_dispute(department_member, logistics.pk) == logistics
    assert set(disputes_visible_to(read_only)) == {billing, logistics}
    assert set(disputes_visible_to(collector)) == {billing, logistics}


def test_it_proposes_closing_when_a_credit_note_clears_the_disputed_amount(
    collector, credit_manager
):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "10000.00")
    dispute = open_dispute(collector, customer=customer, lines=[(invoice, "2500.00")])
    assert not disputes_proposed_for_closing(user=collector).exists()
    credit_note = make_credit_note(customer, "AV1", "-2500.00")
    credit_note_allocate(actor=collector, credit_note=credit_note, invoice=invoice, amount="1000")
    assert not disputes_proposed_for_closing(user=collector).exists()
    credit_note_allocate(actor=collector, credit_note=credit_note, invoice=invoice, amount="1500")
    assert list(disputes_proposed_for_closing(user=credit_manager)) == [dispute]


def test_a_payment_of_the_undisputed_part_does_not_clear_the_dispute(collector):
    from encaisse.receivables.models import Invoice

    customer = make_customer()
    invoice = make_invoice(customer, "F1", "10000.00")
    open_dispute(collector, customer=customer, lines=[(invoice, "2500.00")])
    Invoice.objects.filter(pk=invoice.pk).update(open_amount="2500.00")
    assert not disputes_proposed_for_closing(user=collector).exists()
    Invoice.objects.filter(pk=invoice.pk).update(open_amount="0", status="settled")
    assert disputes_proposed_for_closing(user=collector).count() == 1
