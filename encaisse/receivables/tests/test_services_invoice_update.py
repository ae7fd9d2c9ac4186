import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.services import invoice_update

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db


def test_it_changes_the_editable_fields_and_records_who_did_it(credit_manager):
    invoice = make_invoice(make_customer())
    saved = invoice_update(
        actor=credit_manager,
        invoice=invoice,
        data={"due_date": dt.date(2026, 3, 31), "reference": "PO-77", "label": "Pallets"},
    )
    saved.refresh_from_db()
    assert (saved.due_date, saved.reference, saved.label) == (
        dt.date(2026, 3, 31),
        "PO-77",
        "Pallets",
    )
    entry = AuditEntry.objects.get(action="update", object_id=str(invoice.pk))
    assert entry.actor == credit_manager
    assert entry.changes["due_date"] == {"from": "2026-02-09", "to": "2026-03-31"}


def test_it_settles_the_invoice_when_the_open_amount_reaches_zero(credit_manager):
    invoice = make_invoice(make_customer())
    saved = invoice_update(actor=credit_manager, invoice=invoice, data={"open_amount": 0})
    assert saved.status == InvoiceStatus.SETTLED
    assert saved.settled_on is not None
    reopened = invoice_update(actor=credit_manager, invoice=saved, data={"open_amount": "10"})
    assert reopened.status == InvoiceStatus.OPEN
    assert reopened.settled_on is None


def test_it_keeps_what_was_paid_when_only_the_amount_changes(credit_manager):
    invoice = make_invoice(make_customer(), amount="1000.00", open_amount="400.00")
    saved = invoice_update(actor=credit_manager, invoice=invoice, data={"amount": "1100.00"})
    assert (saved.amount, saved.open_amount) == (Decimal("1100.00"), Decimal("500.00"))


def test_it_refuses_an_amount_below_what_is_already_paid(credit_manager):
    invoice = make_invoice(make_customer(), amount="1000.00", open_amount="400.00")
    with pytest.raises(ValidationError) as caught:
        invoice_update(actor=credit_manager, invoice=invoice, data={"amount": "500.00"})
    assert "amount" in caught.value.message_dict


def test_it_refuses_an_open_amount_above_the_amount(credit_manager):
    invoice = make_invoice(make_customer())
    with pytest.raises(ValidationError) as caught:
        invoice_update(actor=credit_manager, invoice=invoice, data={"open_amount": "1000.01"})
    assert "open_amount" in caught.value.message_dict
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("1000.00")


def test_it_refuses_a_due_date_before_the_issue_date(credit_manager):
    invoice = make_invoice(make_customer())
    with pytest.raises(ValidationError) as caught:
        invoice_update(
            actor=credit_manager, invoice=invoice, data={"due_date": dt.date(2025, 1, 1)}
        )
    assert "due_date" in caught.value.message_dict


def test_it_keeps_credit_note_amounts_negative(credit_manager):
    note = make_credit_note(make_customer())
    saved = invoice_update(actor=credit_manager, invoice=note, data={"open_amount": "50.00"})
    assert saved.open_amount == Decimal("-50.00")


def test_it_reads_the_stored_row_not_a_form_copy_already_changed(credit_manager):
    invoice = make_invoice(make_customer())
    invoice.label = "changed by a ModelForm before the service runs"
    invoice_update(actor=credit_manager, invoice=invoice, data={"label": invoice.label})
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["label"]["from"] == ""


def test_it_writes_nothing_when_nothing_changes(credit_manager):
    invoice = make_invoice(make_customer())
    invoice_update(actor=credit_manager, invoice=invoice, data={"label": ""})
    assert not AuditEntry.objects.exists()


def test_it_refreshes_the_customer_balances(credit_manager):
    customer = make_customer()
    invoice = make_invoice(customer, due=dt.date(2026, 2, 1))
    invoice_update(actor=credit_manager, invoice=invoice, data={"open_amount": "250.00"})
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("250.00")
