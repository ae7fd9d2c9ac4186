"""The apply engine on hand-built ParsedLedgers: create, update, settle, refuse, dry run."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.audit.models import AuditEntry
from encaisse.customers.models import Customer
from encaisse.imports.choices import BatchStatus, ImportMode
from encaisse.imports.models import ImportBatch
from encaisse.imports.records import ItemKind, RowError
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus, Source
from encaisse.receivables.models import Invoice, Payment

from .apply_builders import AS_OF, item, ledger, run

pytestmark = pytest.mark.django_db


def _first_file():
    return [
        item("F1", "C1", "1200.00", "1200.00"),
        item("F2", "C1", "300.50", "100.50"),
        item("F3", "C2", "99.99"),
        item("AV1", "C2", "50.00", kind=ItemKind.CREDIT_NOTE),
    ]


def test_it_creates_customers_invoices_and_credit_notes(credit_manager):
    batch = run(ledger(_first_file()), actor=credit_manager)
    assert batch.status == BatchStatus.APPLIED
    assert (batch.invoices_created, batch.invoices_updated, batch.customers_created) == (4, 0, 2)
    assert batch.created_by == credit_manager and batch.mode == ImportMode.SNAPSHOT
    f2 = Invoice.objects.get(number="F2")
    assert f2.amount == Decimal("300.50") and f2.open_amount == Decimal("100.50")
    assert f2.source == Source.CSV and f2.import_batch == batch
    credit = Invoice.objects.get(number="AV1")
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.amount == Decimal("-50.00")
    assert Customer.objects.get(code="C2").name == "Client C2"
    assert Customer.objects.get(code="C1").open_balance == Decimal("1300.50")
    assert Customer.objects.get(code="C2").open_balance == Decimal("49.99")


def test_it_changes_nothing_when_the_same_file_comes_twice(credit_manager):
    run(ledger(_first_file()), actor=credit_manager)
    before = list(Invoice.objects.values_list("id", "open_amount", "updated_at", "import_batch"))
    again = run(ledger(_first_file()), actor=credit_manager)
    assert again.status == BatchStatus.APPLIED
    assert (again.invoices_created, again.invoices_updated, again.invoices_settled) == (0, 0, 0)
    assert again.invoices_unchanged == 4
    assert (again.customers_created, again.customers_updated) == (0, 0)
    after = list(Invoice.objects.values_list("id", "open_amount", "updated_at", "import_batch"))
    assert after == before


def test_it_updates_open_amounts_and_adds_new_invoices_from_a_newer_file():
    run(ledger(_first_file()))
    newer = _first_file()
    newer[0].open_amount = Decimal("200.00")
    newer.append(item("F4", "C1", "10.00"))
    batch = run(ledger(newer))
    assert (batch.invoices_created, batch.invoices_updated, batch.invoices_unchanged) == (1, 1, 3)
    f1 = Invoice.objects.get(number="F1")
    assert f1.open_amount == Decimal("200.00") and f1.import_batch == batch
    assert Invoice.objects.filter(number="F4").exists()


def test_it_settles_the_invoices_a_snapshot_no_longer_lists():
    run(ledger(_first_file()))
    batch = run(ledger(_first_file()[1:]), as_of=dt.date(2026, 4, 2))
    assert batch.invoices_settled == 1
    f1 = Invoice.objects.get(number="F1")
    assert f1.status == InvoiceStatus.SETTLED and f1.open_amount == 0
    assert f1.settled_on == dt.date(2026, 4, 2)
    assert Customer.objects.get(code="C1").open_balance == Decimal("100.50")


def test_it_settles_an_invoice_whose_open_amount_falls_to_zero():
    run(ledger(_first_file()))
    paid = _first_file()
    paid[1].open_amount = Decimal("0")
    batch = run(ledger(paid))
    assert batch.invoices_updated == 1
    f2 = Invoice.objects.get(number="F2")
    assert (f2.status, f2.settled_on) == (InvoiceStatus.SETTLED, AS_OF)


def test_it_leaves_hand_made_invoices_alone_in_a_snapshot():
    run(ledger(_first_file()))
    manual = Invoice.objects.create(
        customer=Customer.objects.get(code="C1"),
        number="M1",
        issue_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 1, 31),
        amount=Decimal("10.00"),
        open_amount=Decimal("10.00"),
        source=Source.MANUAL,
    )
    batch = run(ledger(_first_file()[1:]))
    assert batch.invoices_settled == 1
    manual.refresh_from_db()
    assert manual.status == InvoiceStatus.OPEN


def test_it_settles_nothing_in_incremental_mode():
    run(ledger(_first_file()))
    batch = run(ledger(_first_file()[1:]), mode=ImportMode.INCREMENTAL)
    assert batch.mode == ImportMode.INCREMENTAL
    assert batch.invoices_settled == 0
    assert Invoice.objects.get(number="F1").status == InvoiceStatus.OPEN


def test_it_writes_nothing_but_the_batch_on_a_dry_run(credit_manager):
    run(ledger(_first_file()))
    newer = _first_file()[1:]
    newer.append(item("F9", "C9", "5.00"))
    batch = run(ledger(newer), actor=credit_manager, dry_run=True)
    assert batch.status == BatchStatus.DRY_RUN
    assert (batch.invoices_created, batch.invoices_settled, batch.customers_created) == (1, 1, 1)
    assert batch.imported_totals["customers"]["C9"] == "5.00"
    assert not Invoice.objects.filter(number="F9").exists()
    assert not Customer.objects.filter(code="C9").exists()
    assert Invoice.objects.get(number="F1").status == InvoiceStatus.OPEN
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DRY_RUN
    assert not AuditEntry.objects.filter(object_id=str(batch.pk), action="import").exists()


def test_it_writes_nothing_when_one_row_is_bad():
    records = _first_file()
    records[2].open_amount = Decimal("500.00")  # more than the amount
    batch = run(ledger(records))
    assert batch.status == BatchStatus.FAILED
    assert "open_amount" in batch.error_message and "line 4" in batch.error_message
    assert batch.errors[0]["line"] == 4 and batch.errors[0]["column"] == "open_amount"
    assert batch.invoices_created == 0
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_it_lists_skipped_rows_and_applies_the_others():
    records = _first_file()
    records[2].open_amount = Decimal("500.00")
    parser_error = RowError(
        file="file.csv", line=9, column="Montant", expected="an amount", found="12a"
    )
    batch = run(ledger(records, errors=[parser_error]), skip_bad_rows=True)
    assert batch.status == BatchStatus.APPLIED
    assert batch.invoices_created == 3 and batch.rows_rejected == 2
    assert [(e["line"], e["column"]) for e in batch.errors] == [(4, "open_amount"), (9, "Montant")]
    assert not Invoice.objects.filter(number="F3").exists()


def test_it_does_not_settle_anything_when_rows_were_skipped():
    run(ledger(_first_file()))
    records = _first_file()[1:]
    records[0].open_amount = Decimal("9999.00")
    batch = run(ledger(records), skip_bad_rows=True)
    assert batch.invoices_settled == 0
    assert batch.warnings == [{"code": "settlement_skipped", "count": 1}]
    assert Invoice.objects.get(number="F1").status == InvoiceStatus.OPEN


def test_it_refuses_a_number_twice_in_one_file():
    records = [*_first_file(), item("F1", "C3", "1.00", line=40)]
    batch = run(ledger(records))
    assert batch.status == BatchStatus.FAILED
    assert batch.errors[0]["line"] == 40
    assert "line 2" in batch.errors[0]["expected"]
    skipped = run(ledger([*_first_file(), item("F1", "C3", "1.00", line=40)]), skip_bad_rows=True)
    assert skipped.invoices_created == 4 and skipped.rows_rejected == 1
    assert Invoice.objects.get(number="F1").customer.code == "C1"


def test_it_records_unmatched_payments_and_drops_them_once_matched():
    records = [*_first_file(), item("VIR-7", "C1", "400.00", "250.00", kind=ItemKind.PAYMENT)]
    batch = run(ledger(records))
    assert batch.payments_created == 1
    payment = Payment.objects.get(reference="VIR-7")
    assert (payment.amount, payment.unallocated_amount) == (Decimal("400.00"), Decimal("250.00"))
    assert Customer.objects.get(code="C1").open_balance == Decimal("1050.50")
    assert batch.file_totals["customers"]["C1"] == "1050.50"
    later = run(ledger(_first_file()))
    assert later.payments_settled == 1
    payment.refresh_from_db()
    assert payment.unallocated_amount == 0


def test_it_moves_an_invoice_to_the_customer_the_file_names():
    run(ledger(_first_file()))
    moved = _first_file()
    moved[0].customer_code = "C2"
    batch = run(ledger(moved))
    assert batch.invoices_updated == 1
    assert Invoice.objects.get(number="F1").customer.code == "C2"


def test_it_records_an_audit_entry_per_applied_batch(credit_manager):
    batch = run(ledger(_first_file()), actor=credit_manager)
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == credit_manager and entry.object_id == str(batch.pk)
    assert entry.changes["invoices_created"] == {"from": None, "to": 4}
