"""The FEC reader's pass over the lines: the same ledger whether the lines are sorted in the
reader's own process or, for a large file, in a second one (``parsers/fec_lines.py``)."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

from encaisse.imports.parsers import fec_lines, parse_file
from encaisse.imports.records import ImportFileError

FIXTURES = Path(__file__).parent / "fixtures"
FEC_FIXTURES = sorted(p.name for p in FIXTURES.glob("fec_*"))
TAB_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(path, *, child: bool, monkeypatch, **kwargs):
    """Everything a reader of the parsed file sees: rows, customers, items, errors."""
    monkeypatch.setattr(fec_lines, "CHILD_MIN_BYTES", 0 if child else 1 << 60)
    parsed = parse_file(path, **kwargs)
    try:
        items = [dataclasses.astuple(item) for item in parsed.items]
    except ImportFileError as error:
        items = [str(error)]
    customers = sorted((c.code, c.name, c.line) for c in parsed.customers.values())
    errors = [dataclasses.astuple(e) for e in parsed.errors]
    return parsed.rows_read, customers, items, errors


def tab_line(journal, num, account, aux, ref, label, debit, credit, letter=""):
    date = "20250105"
    return (
        f"{journal}\tJ\t{num}\t{date}\t{account}\tCompte\t{aux}\tClient {aux}\t{ref}\t{date}\t"
        f"{label}\t{debit}\t{credit}\t{letter}\t{'20250110' if letter else ''}\t{date}\t\t"
    )


@pytest.mark.parametrize("name", FEC_FIXTURES)
def test_it_reads_every_software_export_alike_in_one_or_two_processes(name, monkeypatch):
    one = read(FIXTURES / name, child=False, monkeypatch=monkeypatch, skip_bad_rows=True)
    two = read(FIXTURES / name, child=True, monkeypatch=monkeypatch, skip_bad_rows=True)
    assert one == two
    assert one[2], "the fixture has open items"


def test_it_counts_rows_and_finds_sales_journals_past_blank_and_odd_lines(tmp_path, monkeypatch):
    lines = [
        TAB_HEADER,
        tab_line("VE", "1", "411000", "C1", "F1", "Facture F1", "120,00", "0,00"),
        tab_line("VE", "1", "706000", "", "F1", "Facture F1", "0,00", "100,00"),
        tab_line("VE", "1", "445710", "", "F1", "Facture F1", "0,00", "20,00"),
        "",
        "\t" * 17,  # blank, though it has every separator
        tab_line("AV", "2", "411000", "C1", "A1", "Remise", "0,00", "12,00"),
        tab_line("AV", "2", "706000", "", "A1", "Remise", "12,00", "0,00"),
        tab_line("BQ", "3", "512000", "", "R1", "Virement", "50,00", "0,00"),
        tab_line("BQ", "3", "411000", "C1", "R1", "Virement", "0,00", "50,00"),
        "   ",
        # A tab inside the label: one field too many, the label gets it back.
        tab_line("OD", "4", "411000", "C2", "F2", "Facture\tF2", "30,00", "0,00"),
    ]
    path = tmp_path / "fec.txt"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))  # CRLF, no line end at the end
    one = read(path, child=False, monkeypatch=monkeypatch, as_of=dt.date(2025, 12, 31))
    two = read(path, child=True, monkeypatch=monkeypatch, as_of=dt.date(2025, 12, 31))
    assert one == two
    rows, _customers, items, errors = one
    assert rows == 8 and errors == []
    kinds = {item[3]: item[2] for item in items}  # number -> kind
    # "Remise" says nothing of a credit note, but journal AV books 7xx lines: a sales journal.
    assert kinds == {"F1": "invoice", "A1": "credit_note", "R1": "payment", "F2": "invoice"}
    assert [item[9] for item in items if item[3] == "F2"] == ["Facture\tF2"]


def test_it_reports_a_bad_line_alike_from_the_second_process(tmp_path, monkeypatch):
    lines = [
        TAB_HEADER,
        tab_line("VE", "1", "411000", "C1", "F1", "Facture F1", "12O,00", "0,00"),
        tab_line("VE", "1", "706000", "", "F1", "Facture F1", "0,00", "120,00"),
        "VE\tJ\t2\t20250105",  # too few fields, off the customer accounts
    ]
    path = tmp_path / "fec.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = read(path, child=False, monkeypatch=monkeypatch)
    two = read(path, child=True, monkeypatch=monkeypatch)
    assert one == two
    message = one[2][0]
    assert "fec.txt" in message and "line 2" in message and "12O,00" in message
    assert "line 4" in message


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_it_reads_the_labels_alike_when_lines_end_in_crlf_or_lf(end, tmp_path, monkeypatch):
    lines = [
        TAB_HEADER,
        tab_line("VE", "1", "411000", "C1", "F1", "Facture été F1", "120,00", "0,00"),
        tab_line("VE", "1", "706000", "", "F1", "Facture été F1", "0,00", "120,00"),
        tab_line("VE", "2", "411000", "C2", "F2", "Facture F2", "30,00", "0,00"),
    ]
    path = tmp_path / "fec.txt"
    path.write_bytes(end.join(lines).encode("cp1252"))
    one = read(path, child=False, monkeypatch=monkeypatch)
    two = read(path, child=True, monkeypatch=monkeypatch)
    assert one == two
    assert sorted(item[9] for item in one[2]) == ["Facture F2", "Facture été F1"]


def test_it_counts_lines_as_text_when_a_carriage_return_stands_alone(tmp_path, monkeypatch):
    # An old Mac line end: reading as text starts a new line there, counting LFs would not.
    lines = [
        TAB_HEADER,
        tab_line("VE", "1", "706000", "", "F1", "Facture F1", "0,00", "120,00"),
        tab_line("VE", "1", "411000", "C1", "F1", "Facture F1", "120,00", "0,00"),
        tab_line("VE", "2", "411000", "C2", "F2", "Facture F2", "30,00", "0,00"),
    ]
    path = tmp_path / "fec.txt"
    path.write_bytes(("\r\n".join(lines[:2]) + "\r" + "\r\n".join(lines[2:])).encode("cp1252"))
    one = read(path, child=False, monkeypatch=monkeypatch)
    two = read(path, child=True, monkeypatch=monkeypatch)
    assert one == two
    assert sorted(item[9] for item in one[2]) == ["Facture F1", "Facture F2"]


@pytest.mark.parametrize("prefixes", [("411",), ("411", "7")])
def test_a_journal_with_7xx_lines_is_a_sales_journal_whatever_the_customer_prefixes(
    prefixes, tmp_path, monkeypatch
):
    lines = [
        TAB_HEADER,
        tab_line("VT", "1", "411000", "C1", "F1", "Facture F1", "120,00", "0,00"),
        tab_line("VT", "1", "706000", "", "F1", "Facture F1", "0,00", "120,00"),
        tab_line("VT", "2", "411000", "C1", "A1", "Remise", "0,00", "30,00"),
        tab_line("VT", "2", "706000", "", "A1", "Remise", "30,00", "0,00"),
    ]
    path = tmp_path / "fec.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kwargs = {"receivable_prefixes": prefixes}
    one = read(path, child=False, monkeypatch=monkeypatch, **kwargs)
    two = read(path, child=True, monkeypatch=monkeypatch, **kwargs)
    assert one == two
    kinds = {(item[1], item[3]): item[2] for item in one[2]}
    # VT books 7xx lines: the credit A1 of C1 is a credit note, counted or not as a customer.
    assert kinds[("C1", "A1")] == "credit_note"
    assert len(kinds) == (2 if prefixes == ("411",) else 4)
