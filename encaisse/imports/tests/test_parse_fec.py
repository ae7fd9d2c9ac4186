"""FEC parsing, against the conventions real accounting software writes.

Each fixture in fixtures/ is named after the software whose conventions it follows. What we
read, and where (public code and documentation, read to learn the format, never copied):

- Sage (fec_sage.txt): tab, Windows-1252, CRLF, collective account 411000 with the customer
  in CompAuxNum, three-letter lettrage codes (AAA). No public Sage sample was found; these
  are the conventions the DGFiP text allows and LDCompta/Sage-era tools document
  (research notes fr-formats.md 1.3, UNCONFIRMED for Sage itself). Labels hold "–" and "€",
  bytes 0x96/0x80 that only Windows-1252 has.
- Cegid (fec_cegid.txt): pipe, ISO-8859-15 (euro 0xA4, "œ" 0xBD), 8-digit accounts, a pipe
  inside EcritureLib (RhesusP/FEC-cleaner README: "a lot of companies use the character |
  in the field EcritureLib"), partial lettrage, a credit note booked as a negative debit
  (fr-formats.md 1.3). Cegid specifics are UNCONFIRMED (no public sample).
- EBP (fec_ebp.txt): pipe, UTF-8, LF as in OpenFlyers' "EBP" FEC export template page;
  one general account per customer (411DURAND) and no CompAuxNum, so the customer falls
  back to CompteNum/CompteLib; one cheque lettered against two invoices, short of the total.
- Odoo (fec_odoo.csv): read in odoo/odoo addons/l10n_fr_fec/wizard/account_fr_fec.py:
  '|' separator, CRLF with no line end after the last line (_csv_write_rows), amounts
  from PostgreSQL to_char(..., '000000000000000D99') with ',' (' 000000000001440,00'),
  PieceRef '-' when the move has no ref (the invoice number is then EcritureNum),
  opening journal 'OUV'/'Balance initiale' with EcritureNum 'OUVERTURE/<year>',
  EcritureLet = full reconcile name (partial reconciles are exported unlettered),
  CompAuxNum = partner ref or id.
- Dolibarr (fec_dolibarr.txt): read in Dolibarr/dolibarr
  htdocs/accountancy/class/accountancyexport.class.php (exportFEC): tab, "\\r\\n", dates
  '%Y%m%d', unaccented labels, CompteNum '411' with CompAuxNum '411FINCORP' (also the
  Dolibarr wiki sample), extra columns DateLimitReglmt and NumFacture, amounts from
  price2fec (',' decimals); older versions printed price2num amounts ('120.5').
- Tryton (fec_tryton.csv): read in tryton/tryton modules/account_fr/account.py and
  tests/FEC.csv: csv.writer with tab and QUOTE_NONE (so CRLF), UTF-8, opening journal
  'OUV'/'Balance Initiale' with EcritureNum '0', PieceRef and EcritureLib '-' when empty,
  CompAuxNum = party code, EcritureLet = reconciliation name.
- Pennylane (fec_pennylane.txt): UTF-8 with a byte-order mark, pipe, and the
  Montant/Sens variant (A47 A-1 VII 2°; header spelled as in the FEC-cleaner README,
  Sens D/C and +1/-1). Which exporters write Montant/Sens is UNCONFIRMED; no public
  Pennylane sample was found.
- Business Central (fec_business_central.txt): EcritureLet and DateLet always empty (the
  research notes cite Microsoft's FEC field list), Montantdevise/Idevise filled for a
  foreign-currency customer.
- BNC trésorerie (fec_bnc_22.txt): 22 columns (DateRglt, ModeRglt, NatOp, IdClient) and
  'Crédit' with an accent as in the official BNC table (A47 A-1 VIII), ISO-8859-15,
  blank JournalCode.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from encaisse.imports.parsers import parse_file
from encaisse.imports.records import ImportFileError, ItemKind

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(path, **kwargs):
    parsed = parse_file(path, **kwargs)
    items = list(parsed.items)
    return parsed, items


def summary(items):
    return {
        (i.customer_code, i.kind, i.number): (i.amount, i.open_amount, i.issue_date) for i in items
    }


def write_fec(tmp_path, *lines, name="fec.txt", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    return path


def line(
    journal, num, date, account, aux, ref, label, debit, credit, letter="", let_date="", lib="X"
):
    return (
        f"{journal}|J|{num}|{date}|{account}|Compte|{aux}|{lib}|{ref}|{date}|{label}|"
        f"{debit}|{credit}|{letter}|{let_date}|{date}||"
    )


D = Decimal


def test_it_reads_a_sage_export_in_windows_1252_with_crlf():
    parsed, items = parse(FIXTURES / "fec_sage.txt")
    assert parsed.format == "fec" and parsed.content == "open_items"
    assert parsed.has_due_dates is False
    assert parsed.rows_read == 13
    assert parsed.customers["CMARTIN"].name == "Établissements Martin"
    assert summary(items) == {
        ("CDUPONT", ItemKind.INVOICE, "F2024-118"): (
            D("480.00"),
            D("480.00"),
            dt.date(2024, 12, 15),
        ),
        ("CMARTIN", ItemKind.INVOICE, "F2025-002"): (D("600.00"), D("600.00"), dt.date(2025, 3, 5)),
        ("CMARTIN", ItemKind.CREDIT_NOTE, "AV2025-001"): (
            D("60.00"),
            D("60.00"),
            dt.date(2025, 3, 20),
        ),
    }
    assert all(i.currency == "EUR" and i.due_date is None for i in items)


def test_it_reads_a_cegid_export_in_iso_8859_15_with_a_pipe_inside_a_label():
    parsed, items = parse(FIXTURES / "fec_cegid.txt")
    assert parsed.customers["0000123"].name == "Bœuf & Cie"
    by_number = {i.number: i for i in items}
    # Partial lettrage AB: 1000 invoiced, 400 paid and lettered with it.
    assert by_number["FA-2025-0040"].kind == ItemKind.INVOICE
    assert (by_number["FA-2025-0040"].amount, by_number["FA-2025-0040"].open_amount) == (
        D("1000.00"),
        D("600.00"),
    )
    assert by_number["FA-2025-0040"].label == "Facture FA-2025-0040 (1 000 €)"
    # A negative debit in the sales journal is a credit note.
    assert by_number["FA-2025-0051"].kind == ItemKind.CREDIT_NOTE
    assert by_number["FA-2025-0051"].open_amount == D("150.00")
    assert "VIR-0310" not in by_number


def test_it_allocates_a_short_payment_to_the_oldest_invoice_first_in_an_ebp_export():
    parsed, items = parse(FIXTURES / "fec_ebp.txt")
    assert parsed.customers["411DURAND"].name == "Durand Père et Fils"
    assert summary(items) == {
        ("411DURAND", ItemKind.INVOICE, "FAC0002"): (
            D("500.00"),
            D("200.00"),
            dt.date(2025, 2, 12),
        ),
        ("411DURAND", ItemKind.PAYMENT, "VIR 0310"): (D("80.00"), D("80.00"), dt.date(2025, 3, 10)),
    }


def test_it_reads_an_odoo_export_with_placeholder_refs_and_padded_amounts():
    parsed, items = parse(FIXTURES / "fec_odoo.csv")
    assert parsed.rows_read == 15
    assert summary(items) == {
        # The opening entry is one reference shared by two customers: each gets its own.
        ("PART-7", ItemKind.INVOICE, "OUVERTURE/2024/PART-7"): (
            D("750.00"),
            D("750.00"),
            dt.date(2024, 1, 1),
        ),
        ("14", ItemKind.INVOICE, "OUVERTURE/2024/14"): (
            D("300.00"),
            D("300.00"),
            dt.date(2024, 1, 1),
        ),
        ("14", ItemKind.INVOICE, "PO-778"): (D("960.00"), D("960.00"), dt.date(2024, 3, 1)),
        ("14", ItemKind.PAYMENT, "BNK1/2024/00009"): (
            D("500.00"),
            D("500.00"),
            dt.date(2024, 3, 20),
        ),
        ("PART-7", ItemKind.CREDIT_NOTE, "RINV/2024/00001"): (
            D("120.00"),
            D("120.00"),
            dt.date(2024, 3, 25),
        ),
    }
    opening = next(i for i in items if i.number == "OUVERTURE/2024/14")
    assert opening.label == ""  # Odoo's '/' placeholder label


def test_it_reads_a_dolibarr_export_with_extra_columns_and_its_due_dates():
    parsed, items = parse(FIXTURES / "fec_dolibarr.txt")
    assert parsed.has_due_dates is True
    assert set(parsed.customers) == {"411FINCORP", "411DIVERS"}
    assert len(items) == 1
    invoice = items[0]
    assert (invoice.customer_code, invoice.number, invoice.amount, invoice.due_date) == (
        "411FINCORP",
        "FC2408-0007",
        D("10248.00"),
        dt.date(2024, 9, 20),
    )
    assert invoice.issue_date == dt.date(2024, 8, 21)  # PieceDate, not EcritureDate


def test_it_reads_a_tryton_export_with_opening_balances():
    parsed, items = parse(FIXTURES / "fec_tryton.csv")
    assert parsed.customers["2"].name == "Party"
    assert summary(items) == {
        ("2", ItemKind.INVOICE, "OUV-0/2"): (D("5.00"), D("5.00"), dt.date(2025, 1, 1)),
        ("3", ItemKind.INVOICE, "OUV-0/3"): (D("12.00"), D("12.00"), dt.date(2025, 1, 1)),
    }


def test_it_reads_the_montant_sens_variant_with_a_byte_order_mark():
    parsed, items = parse(FIXTURES / "fec_pennylane.txt")
    assert summary(items) == {
        ("CLI001", ItemKind.INVOICE, "F2025-06"): (D("3960.00"), D("3960.00"), dt.date(2025, 4, 2)),
        ("CLI001", ItemKind.PAYMENT, "VIR-0415"): (
            D("1000.00"),
            D("1000.00"),
            dt.date(2025, 4, 15),
        ),
    }


def test_it_keeps_every_line_open_when_the_file_has_no_lettrage_as_business_central():
    parsed, items = parse(FIXTURES / "fec_business_central.txt")
    assert summary(items) == {
        ("C10000", ItemKind.INVOICE, "103001"): (D("2400.00"), D("2400.00"), dt.date(2025, 1, 10)),
        ("C10000", ItemKind.PAYMENT, "2502-0001"): (
            D("2400.00"),
            D("2400.00"),
            dt.date(2025, 2, 10),
        ),
        ("C20000", ItemKind.INVOICE, "103002"): (D("920.00"), D("920.00"), dt.date(2025, 2, 12)),
    }
    assert all(i.currency == "EUR" for i in items)  # Idevise USD is informative only


def test_it_reads_the_22_column_bnc_variant_with_credit_spelled_with_an_accent():
    parsed, items = parse(FIXTURES / "fec_bnc_22.txt")
    assert parsed.customers["411"].name == "Clients"
    assert summary(items) == {
        ("411", ItemKind.INVOICE, "H-2025-01"): (D("150.00"), D("150.00"), dt.date(2025, 2, 1)),
    }


def test_it_treats_lines_lettered_after_the_as_of_date_as_open(tmp_path):
    path = write_fec(
        tmp_path,
        line(
            "VE",
            "1",
            "20250110",
            "411000",
            "C1",
            "F1",
            "Facture",
            "100,00",
            "0,00",
            "AA",
            "20250301",
        ),
        line("VE", "1", "20250110", "706000", "", "F1", "Facture", "0,00", "100,00"),
        line(
            "BQ",
            "2",
            "20250220",
            "411000",
            "C1",
            "R1",
            "Reglement",
            "0,00",
            "100,00",
            "AA",
            "20250301",
        ),
    )
    _parsed, items = parse(path)
    assert items == []
    _parsed, items = parse(path, as_of=dt.date(2025, 2, 28))
    assert summary(items) == {
        ("C1", ItemKind.INVOICE, "F1"): (D("100.00"), D("100.00"), dt.date(2025, 1, 10)),
        ("C1", ItemKind.PAYMENT, "R1"): (D("100.00"), D("100.00"), dt.date(2025, 2, 20)),
    }
    # The payment was not even posted on 31 January.
    _parsed, items = parse(path, as_of=dt.date(2025, 1, 31))
    assert [i.number for i in items] == ["F1"]


def test_it_leaves_the_latest_credit_open_when_a_group_is_overpaid(tmp_path):
    path = write_fec(
        tmp_path,
        line(
            "VE",
            "1",
            "20250110",
            "411000",
            "C1",
            "F1",
            "Facture",
            "100,00",
            "0,00",
            "B",
            "20250301",
        ),
        line("VE", "1", "20250110", "706000", "", "F1", "Facture", "0,00", "100,00"),
        line(
            "BQ", "2", "20250201", "411000", "C1", "R1", "Acompte", "0,00", "60,00", "B", "20250301"
        ),
        line(
            "BQ", "3", "20250301", "411000", "C1", "R2", "Solde", "0,00", "70,00", "B", "20250301"
        ),
    )
    _parsed, items = parse(path)
    assert summary(items) == {
        ("C1", ItemKind.PAYMENT, "R2"): (D("70.00"), D("30.00"), dt.date(2025, 3, 1)),
    }


def test_it_nets_an_invoice_with_an_unlettered_partial_payment_of_the_same_piece(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture F1", "1 200,00", "0,00"),
        line("VE", "1", "20250110", "706000", "", "F1", "Facture F1", "0,00", "1200,00"),
        line("BQ", "2", "20250210", "411000", "C1", "F1", "Acompte F1", "0", "200.00"),
    )
    _parsed, items = parse(path)
    assert summary(items) == {
        ("C1", ItemKind.INVOICE, "F1"): (D("1200.00"), D("1000.00"), dt.date(2025, 1, 10)),
    }


def test_it_calls_a_credit_an_avoir_from_its_label_outside_sales_journals(tmp_path):
    path = write_fec(
        tmp_path,
        line("OD", "1", "20250110", "411000", "C1", "X-77", "Avoir commercial", "", "50,00"),
        line("OD", "1", "20250110", "419000", "", "X-77", "Avoir commercial", "50,00", ""),
        line("BQ", "2", "20250110", "411000", "C1", "R-9", "Virement", "", "20,00"),
        line("OD", "3", "20250110", "411000", "C1", "X-78", "Credit Note 78", "", "5,00"),
        line("OD", "4", "20250110", "411000", "C1", "X-79", "REFUND", "", "6,00"),
        line("OD", "5", "20250110", "411000", "C1", "AVOIR-80", "Remise", "", "7,00"),
        line("OD", "6", "20250110", "411000", "C1", "X-81", "Geste (creditnote)", "", "8,00"),
        line("OD", "7", "20250110", "411000", "C1", "X-82", "Credit client", "", "9,00"),
    )
    _parsed, items = parse(path)
    assert {i.number: i.kind for i in items} == {
        "X-77": ItemKind.CREDIT_NOTE,
        "R-9": ItemKind.PAYMENT,
        "X-78": ItemKind.CREDIT_NOTE,
        "X-79": ItemKind.CREDIT_NOTE,
        "AVOIR-80": ItemKind.CREDIT_NOTE,  # the reference says it
        "X-81": ItemKind.CREDIT_NOTE,
        "X-82": ItemKind.PAYMENT,  # "credit" alone is no credit note
    }


def test_it_reads_receivables_on_more_prefixes_when_asked(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "100,00", ""),
        line("OD", "2", "20250110", "416000", "C2", "D1", "Douteux", "300,00", ""),
        line("OD", "3", "20250110", "418000", "C3", "FAE", "A facturer", "50,00", ""),
    )
    _parsed, items = parse(path)
    assert [i.number for i in items] == ["F1"]
    parsed, items = parse(path, receivable_prefixes=("411", "416"))
    assert [i.number for i in items] == ["F1", "D1"]
    assert set(parsed.customers) == {"C1", "C2"}


def test_it_uses_the_journal_and_entry_number_when_piece_ref_is_blank(tmp_path):
    path = write_fec(
        tmp_path,
        line("BQ", "88", "20250110", "411000", "C1", "", "Virement", "", "40,00"),
    )
    _parsed, items = parse(path)
    assert [(i.kind, i.number) for i in items] == [(ItemKind.PAYMENT, "BQ-88")]


def test_it_accepts_trailing_signs_and_a_semicolon_separator(tmp_path):
    path = write_fec(
        tmp_path,
        "VE;J;1;20250110;411000;C;C1;Client;F1;20250110;Facture;250,00-;;;;20250110;;",
        header=HEADER.replace("|", ";"),
    )
    _parsed, items = parse(path)
    assert summary(items) == {
        ("C1", ItemKind.PAYMENT, "F1"): (D("250.00"), D("250.00"), dt.date(2025, 1, 10)),
    }


def test_it_reads_a_fec_whatever_its_extension_and_with_the_format_forced(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "10,00", ""),
        name="export.csv",
    )
    parsed, items = parse(path)
    assert parsed.format == "fec" and len(items) == 1
    parsed, items = parse(path, format="fec", file_name="grand-livre.csv")
    assert parsed.file_name == "grand-livre.csv" and len(items) == 1


def test_it_lists_customers_without_open_items_too(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "10,00", "", "A", "20250110"),
        line("BQ", "2", "20250110", "411000", "C1", "R1", "Reglt", "", "10,00", "A", "20250110"),
    )
    parsed, items = parse(path)
    assert items == [] and set(parsed.customers) == {"C1"}


def test_it_refuses_a_fec_without_its_lettrage_columns(tmp_path):
    header = HEADER.replace("|EcritureLet|DateLet", "")
    path = write_fec(tmp_path, header=header)
    with pytest.raises(ImportFileError) as error:
        parse_file(path)
    assert str(error.value).startswith(
        "fec.txt, line 1: expected the FEC columns EcritureLet, DateLet"
    )


def test_it_yields_nothing_when_every_line_is_after_the_as_of_date(tmp_path):
    path = write_fec(
        tmp_path, line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "10,00", "")
    )
    parsed, items = parse(path, as_of=dt.date(2024, 12, 31))
    assert items == [] and parsed.rows_read == 1
