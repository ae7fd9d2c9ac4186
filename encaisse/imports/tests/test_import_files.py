"""import_file end to end: real FEC and CSV files through the parsers and the engine."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db import connection

from encaisse.core.dates import TermsKind
from encaisse.customers.models import Customer
from encaisse.imports.choices import BatchStatus, ImportMode
from encaisse.imports.models import ImportBatch
from encaisse.imports.services import batches, import_file
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.models import Invoice, Payment

pytestmark = pytest.mark.django_db

FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def fec_line(journal, num, date, account, aux, aux_name, piece, label, debit, credit, let=""):
    return "\t".join(
        [
            journal,
            journal,
            str(num),
            date,
            account,
            "",
            aux,
            aux_name,
            piece,
            date,
            label,
            debit,
            credit,
            let,
            "20260301" if let else "",
            date,
            "",
            "",
        ]
    )


def sale(num, date, aux, name, piece, amount, let=""):
    return [
        fec_line(
            "VE", num, date, "411000", aux, name, piece, f"Facture {piece}", amount, "0,00", let
        ),
        fec_line("VE", num, date, "706000", "", "", piece, f"Facture {piece}", "0,00", amount),
    ]


def receipt(num, date, aux, name, piece, amount, let=""):
    return [
        fec_line("BQ", num, date, "512000", "", "", piece, "Virement", amount, "0,00"),
        fec_line("BQ", num, date, "411000", aux, name, piece, "Virement", "0,00", amount, let),
    ]


def write_fec(path, blocks, encoding="utf-8"):
    lines = [FEC_HEADER, *[line for block in blocks for line in block]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def first_fec(tmp_path, name="fec.txt"):
    return write_fec(
        tmp_path / name,
        [
            sale(1, "20260115", "C001", "Dupont SA", "F1", "1200,00"),
            sale(2, "20260120", "C001", "Dupont SA", "F2", "300,50", let="AA"),
            receipt(3, "20260210", "C001", "Dupont SA", "VIR1", "300,50", let="AA"),
            sale(4, "20260131", "C002", "Martin SARL", "F3", "999,99"),
            receipt(5, "20260215", "C002", "Martin SARL", "VIR2", "100,00"),
        ],
    )


def test_it_imports_the_open_items_of_a_fec(tmp_path, credit_manager):
    path = first_fec(tmp_path)
    Customer.objects.create(
        code="C002", name="Martin", terms_kind=TermsKind.END_OF_MONTH, terms_days=45
    )
    batch = import_file(actor=credit_manager, path=path, as_of=dt.date(2026, 3, 31))
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert (batch.format, batch.mode) == ("fec", ImportMode.SNAPSHOT)
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.file_size == path.stat().st_size and batch.file_name == "fec.txt"
    assert (batch.invoices_created, batch.payments_created, batch.customers_created) == (2, 1, 1)
    f1 = Invoice.objects.get(number="F1")
    assert f1.source == Source.FEC and f1.open_amount == Decimal("1200.00")
    assert f1.due_date == dt.date(2026, 2, 14)  # company default: 30 days
    assert Invoice.objects.get(number="F3").due_date == dt.date(2026, 3, 31)  # 45 days EOM
    assert not Invoice.objects.filter(number="F2").exists()
    assert Payment.objects.get(reference="VIR2").unallocated_amount == Decimal("100.00")
    assert Customer.objects.get(code="C001").name == "Dupont SA"
    assert batch.file_totals == {
        "overall": "2099.99",
        "customers": {"C001": "1200.00", "C002": "899.99"},
    }
    assert batch.imported_totals == batch.file_totals


def _indexes(table: str) -> dict:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: (c["columns"], c["unique"], c["index"]) for name, c in found.items()}


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_first_import_leaves_every_index_of_the_ledger_as_it_was(tmp_path, dry_run):
    # A first import drops the customers' and invoices' indexes for its inserts (SQLite).
    tables = ("customers_customer", "receivables_invoice")
    before = {table: _indexes(table) for table in tables}
    batch = import_file(actor=None, path=first_fec(tmp_path), dry_run=dry_run)
    assert batch.status == (BatchStatus.DRY_RUN if dry_run else BatchStatus.APPLIED)
    assert Customer.objects.exists() != dry_run
    assert {table: _indexes(table) for table in tables} == before


def test_it_changes_nothing_when_the_same_fec_comes_twice(tmp_path):
    import_file(actor=None, path=first_fec(tmp_path))
    again = import_file(actor=None, path=first_fec(tmp_path, "copy.txt"))
    assert again.status == BatchStatus.APPLIED
    assert (again.invoices_created, again.invoices_updated, again.invoices_settled) == (0, 0, 0)
    assert (again.payments_created, again.payments_updated, again.payments_settled) == (0, 0, 0)
    assert again.invoices_unchanged == 2


def test_it_settles_what_a_newer_fec_shows_paid(tmp_path):
    import_file(actor=None, path=first_fec(tmp_path))
    newer = write_fec(
        tmp_path / "newer.txt",
        [
            sale(1, "20260115", "C001", "Dupont SA", "F1", "1200,00", let="BB"),
            receipt(6, "20260320", "C001", "Dupont SA", "VIR3", "1200,00", let="BB"),
            sale(4, "20260131", "C002", "Martin SARL", "F3", "999,99", let="CC"),
            receipt(5, "20260215", "C002", "Martin SARL", "VIR2", "100,00", let="CC"),
            sale(7, "20260305", "C002", "Martin SARL", "F4", "50,00"),
        ],
    )
    batch = import_file(actor=None, path=newer, as_of=dt.date(2026, 3, 31))
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert (batch.invoices_created, batch.invoices_updated, batch.invoices_settled) == (1, 1, 1)
    assert batch.payments_settled == 1
    f1 = Invoice.objects.get(number="F1")
    assert (f1.status, f1.settled_on) == (InvoiceStatus.SETTLED, dt.date(2026, 3, 31))
    assert Invoice.objects.get(number="F3").open_amount == Decimal("899.99")
    assert Payment.objects.get(reference="VIR2").unallocated_amount == 0


def test_it_reads_a_cp1252_fec(tmp_path):
    path = write_fec(
        tmp_path / "fec-1252.txt",
        [sale(1, "20260115", "C001", "Société Générale d'Électricité", "F1", "10,00")],
        encoding="cp1252",
    )
    batch = import_file(actor=None, path=path)
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert Customer.objects.get(code="C001").name == "Société Générale d'Électricité"


CSV = (
    "Code client;Raison sociale;N° facture;Date facture;Échéance;Montant TTC;Reste dû\n"
    "C1;Dupont SA;F1;15/01/2026;14/02/2026;1 200,00;1 200,00\n"
    "C1;Dupont SA;F2;20/01/2026;19/02/2026;300,50;100,50\n"
    "C2;Martin SARL;F3;31/01/2026;02/03/2026;999,99;999,99\n"
)


def test_it_imports_a_csv_of_open_items(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(CSV, encoding="utf-8")
    batch = import_file(actor=None, path=path)
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert (batch.format, batch.invoices_created, batch.rows_read) == ("csv", 3, 3)
    f2 = Invoice.objects.get(number="F2")
    assert (f2.amount, f2.open_amount, f2.due_date) == (
        Decimal("300.50"),
        Decimal("100.50"),
        dt.date(2026, 2, 19),
    )
    assert batch.file_totals["overall"] == "2300.49"


def test_it_refuses_a_csv_with_a_bad_amount_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "C3;Durand;F4;01/02/2026;03/03/2026;12a;12a\n", encoding="utf-8")
    batch = import_file(actor=None, path=path)
    assert batch.status == BatchStatus.FAILED
    assert "bad.csv" in batch.error_message and "line 5" in batch.error_message
    assert batch.errors and batch.errors[0]["line"] == 5
    assert not Invoice.objects.exists() and not Customer.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.FAILED


def test_it_skips_bad_csv_rows_when_asked(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "C3;Durand;F4;01/02/2026;03/03/2026;12a;12a\n", encoding="utf-8")
    batch = import_file(actor=None, path=path, skip_bad_rows=True)
    assert batch.status == BatchStatus.APPLIED
    assert (batch.invoices_created, batch.rows_rejected) == (3, 1)
    assert batch.errors[0]["line"] == 5


def test_it_records_a_failed_batch_for_a_binary_file(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    batch = import_file(actor=None, path=path)
    assert batch.status == BatchStatus.FAILED and batch.error_message
    assert "image.csv" in batch.error_message
    batch.refresh_from_db()  # the refused file is known by its fingerprint all the same
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_it_writes_nothing_but_the_batch_on_a_dry_run_of_a_file(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(CSV, encoding="utf-8")
    batch = import_file(actor=None, path=path, dry_run=True)
    assert batch.status == BatchStatus.DRY_RUN and batch.invoices_created == 3
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_it_fingerprints_a_file_read_in_several_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(batches, "FINGERPRINT_BLOCK", 4)
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")  # two blocks and a half
    assert batches.file_fingerprint(path) == (hashlib.sha256(b"0123456789").hexdigest(), 10)
