"""The CSV reader in one process or, for a large file, in a forked child (``parsers/forked.py``):
the same rows, customers, counts and errors either way, and the same import."""

import dataclasses
import multiprocessing
import os
from decimal import Decimal

import pytest
from django.utils import translation

from encaisse.customers.models import Customer
from encaisse.imports.choices import BatchStatus
from encaisse.imports.parsers import fec_lines, forked, parse_file, tabular
from encaisse.imports.records import ImportFileError
from encaisse.imports.services import import_file
from encaisse.receivables.models import Invoice

from .test_parse_fec import FIXTURES

HEADER = "Code client;Raison sociale;N° facture;Date facture;Échéance;Montant TTC;Reste dû"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def in_child(monkeypatch, child: bool) -> None:
    monkeypatch.setattr(tabular, "CHILD_MIN_BYTES", 0 if child else 1 << 60)


def read(path, *, child: bool, monkeypatch, **kwargs):
    """Everything a reader of the parsed file sees: rows, customers, errors, the count."""
    in_child(monkeypatch, child)
    parsed = parse_file(path, **kwargs)
    try:
        rows = list(parsed.rows)
    except ImportFileError as error:
        rows = [str(error)]
    customers = sorted(dataclasses.astuple(c) for c in parsed.customers.values())
    errors = [dataclasses.astuple(e) for e in parsed.errors]
    return parsed.rows_read, customers, rows, errors


def write(tmp_path, lines, name="releve.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    return path


def rows_with_bad_cells():
    return [
        HEADER,
        "C1;Dupont SA;F1;05/01/2026;04/02/2026;1200,00;1200,00",
        "C1;Dupont SA;F2;5 janvier;04/02/2026;300,00;300,00",  # a date nobody reads
        "C2;Martin SARL;F3;06/01/2026;05/02/2026;12O,00;0",  # a letter O in the amount
        "C2;Martin SARL;F1;07/01/2026;06/02/2026;80,00;80,00",  # F1 again
        "C3;Petit;F4;08/01/2026;07/02/2026;-50,00;-50,00",  # a credit note
        "C3;Petit;F5;08/01/2026;07/02/2026;90,00;95,00",  # more open than invoiced
    ]


@pytest.mark.parametrize("name", ["peer_invoices.csv", "peer_customers.csv"])
def test_it_reads_a_file_alike_in_one_or_two_processes(name, monkeypatch):
    one = read(FIXTURES / name, child=False, monkeypatch=monkeypatch)
    two = read(FIXTURES / name, child=True, monkeypatch=monkeypatch)
    assert one == two
    assert one[1], "the file names customers"


def test_it_skips_and_lists_the_same_bad_rows_from_the_second_process(tmp_path, monkeypatch):
    path = write(tmp_path, rows_with_bad_cells())
    one = read(path, child=False, monkeypatch=monkeypatch, skip_bad_rows=True)
    two = read(path, child=True, monkeypatch=monkeypatch, skip_bad_rows=True)
    assert one == two
    rows_read, customers, rows, errors = two
    assert rows_read == 6
    assert [row[3] for row in rows] == ["F1", "F4"]
    assert [(e[1], e[2]) for e in errors] == [
        (3, "Date facture"),
        (4, "Montant TTC"),
        (5, "N° facture"),
        (7, "Reste dû"),
    ]
    assert [c[0] for c in customers] == ["C1", "C3"]  # both of C2's rows are refused


def test_it_refuses_the_file_with_every_bad_row_named_from_the_second_process(
    tmp_path, monkeypatch
):
    path = write(tmp_path, rows_with_bad_cells())
    one = read(path, child=False, monkeypatch=monkeypatch)
    two = read(path, child=True, monkeypatch=monkeypatch)
    assert one == two
    message = two[2][-1]
    assert "releve.csv, line 3, column 'Date facture'" in message
    assert "line 4" in message and "12O,00" in message
    assert "line 5" in message and "line 7" in message


def test_customers_sent_with_the_rows_get_the_name_a_later_row_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "BATCH_ROWS", 2)  # C2 crosses in the first batch, nameless
    lines = [
        HEADER,
        "C1;Dupont SA;F1;05/01/2026;04/02/2026;100,00;100,00",
        "C2;;F2;05/01/2026;04/02/2026;200,00;200,00",
        "C3;Petit;F3;05/01/2026;04/02/2026;300,00;300,00",
        "C1;Dupont SA;F4;05/01/2026;04/02/2026;400,00;400,00",
        "C2;Martin SARL;F5;05/01/2026;04/02/2026;500,00;500,00",
    ]
    path = write(tmp_path, lines)
    absorbed = []
    monkeypatch.setattr(
        tabular.TabularReader, "_absorb", _spy(tabular.TabularReader._absorb, absorbed)
    )
    one = read(path, child=False, monkeypatch=monkeypatch)
    two = read(path, child=True, monkeypatch=monkeypatch)
    assert one == two
    assert [(c[0], c[1]) for c in two[1]] == [
        ("C1", "Dupont SA"),
        ("C2", "Martin SARL"),
        ("C3", "Petit"),
    ]
    assert [[row[0] for row in news] for news in absorbed] == [["C1", "C2"], ["C3"], ["C2"], []]


def _spy(method, calls: list):
    def spy(self, customers):
        calls.append(customers)
        return method(self, customers)

    return spy


def test_the_child_stops_when_the_importer_stops_reading(tmp_path, monkeypatch):
    lines = [HEADER]
    lines += [f"C{n % 50};Client {n % 50};F{n};05/01/2026;;100,00;100,00" for n in range(30_000)]
    in_child(monkeypatch, True)
    parsed = parse_file(write(tmp_path, lines))
    rows = parsed.rows
    assert next(rows)[3] == "F0"
    assert multiprocessing.active_children(), "the child still has rows to send"
    rows.close()
    assert multiprocessing.active_children() == []


def test_a_daemonic_process_reads_a_large_file_itself(tmp_path, monkeypatch):
    path = write(tmp_path, [HEADER, "C1;Dupont SA;F1;05/01/2026;04/02/2026;1200,00;1200,00"])
    assert forked.worth_forking(path, 0)
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)  # as in a pool
    assert not forked.worth_forking(path, 0)
    in_child(monkeypatch, True)
    assert [row[3] for row in parse_file(path).rows] == ["F1"]


def test_a_child_that_dies_gives_an_error_instead_of_a_wait():
    def rows():
        yield 1
        os._exit(3)  # the child's end, as when the system kills it

    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        list(forked.rows_from_child(rows(), state=tuple, restore=print))
    assert multiprocessing.active_children() == []


@pytest.mark.django_db
def test_an_import_through_the_second_process_writes_the_same_ledger(tmp_path, monkeypatch):
    lines = [HEADER]
    lines += [
        f"C{n % 7};Client {n % 7};F{n:05d};{1 + n % 28:02d}/10/2026;;{n + 1},50;{n + 1},50"
        for n in range(500)
    ]
    path = write(tmp_path, lines)
    in_child(monkeypatch, True)
    batch = import_file(actor=None, path=path)
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert (batch.invoices_created, batch.customers_created) == (500, 7)
    assert Customer.objects.get(code="C3").name == "Client 3"
    assert Invoice.objects.get(number="F00499").open_amount == Decimal("500.50")
    # The same file read in one process: nothing to change.
    in_child(monkeypatch, False)
    again = import_file(actor=None, path=path)
    assert (again.invoices_created, again.invoices_updated) == (0, 0)
    assert again.invoices_unchanged == 500


@pytest.mark.django_db
def test_a_refused_file_read_by_the_second_process_writes_nothing(tmp_path, monkeypatch):
    in_child(monkeypatch, True)
    batch = import_file(actor=None, path=write(tmp_path, rows_with_bad_cells()))
    assert batch.status == BatchStatus.FAILED
    assert [(e["line"], e["column"]) for e in batch.errors][:2] == [
        (3, "Date facture"),
        (4, "Montant TTC"),
    ]
    assert not Invoice.objects.exists() and not Customer.objects.exists()


@pytest.mark.django_db
def test_a_fec_import_through_the_second_process(monkeypatch):
    monkeypatch.setattr(fec_lines, "CHILD_MIN_BYTES", 0)
    batch = import_file(actor=None, path=FIXTURES / "fec_sage.txt")
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    monkeypatch.setattr(fec_lines, "CHILD_MIN_BYTES", 1 << 60)
    again = import_file(actor=None, path=FIXTURES / "fec_sage.txt")
    assert again.invoices_created == 0 and again.invoices_updated == 0
    assert again.invoices_unchanged == batch.invoices_created > 0
