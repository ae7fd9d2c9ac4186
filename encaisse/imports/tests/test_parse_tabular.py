"""CSV and Excel open-item and customer files.

peer_customers.csv / peer_invoices.csv were written by the peer benchmark's generator
(``gen_data.py 20 200 OUT --seed 1``: UTF-8, comma, ISO dates, point decimals); the
other files are written by each test in the shapes French spreadsheets and tools export.
"""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from encaisse.imports.parsers import parse_file, text
from encaisse.imports.parsers.headers import match_headers
from encaisse.imports.records import ImportFileError, ItemKind

from .test_parse_fec import FIXTURES

D = Decimal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(path, **kwargs):
    parsed = parse_file(path, **kwargs)
    return parsed, list(parsed.items)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_it_reads_the_peer_benchmark_customer_file():
    parsed, items = parse(FIXTURES / "peer_customers.csv")
    assert parsed.content == "customers" and parsed.format == "csv"
    assert items == []
    assert parsed.rows_read == 20 and len(parsed.customers) == 20
    first = parsed.customers["C000001"]
    assert (first.name, first.email, first.segment, first.line) == (
        "Zephyr Systems Ltd #1",
        "ap.c000001@example.com",
        "mid-market",
        2,
    )


def test_it_reads_the_peer_benchmark_invoice_file():
    parsed, items = parse(FIXTURES / "peer_invoices.csv")
    assert parsed.content == "open_items" and parsed.has_due_dates is True
    assert parsed.rows_read == 200 and len(items) == 200
    # The generator's meta.json: 70 open invoices, 153,885.65 open in all.
    assert sum(1 for i in items if i.open_amount > 0) == 70
    assert sum(i.open_amount for i in items) == D("153885.65")
    first = items[0]
    assert (first.line, first.customer_code, first.number, first.kind) == (
        2,
        "C000008",
        "INV-2025-0000001",
        ItemKind.INVOICE,
    )
    assert (first.issue_date, first.due_date, first.amount, first.open_amount) == (
        dt.date(2025, 11, 23),
        dt.date(2026, 1, 22),
        D("423.48"),
        D("0.00"),
    )
    assert set(parsed.customers) == {i.customer_code for i in items}
    assert all(c.name == "" for c in parsed.customers.values())


def test_it_reads_a_french_spreadsheet_export_in_windows_1252(tmp_path):
    path = write(
        tmp_path,
        "balance.csv",
        "Code client;Raison sociale;N° de facture;Date facture;Échéance;Montant TTC;Reste dû;"
        "Devise;Libellé\r\n"
        "411DUP;Dupont SARL;F-001;15/01/2025;14/02/2025;1 200,00;1 200,00;EUR;Prestation é\r\n"
        "411DUP;Dupont SARL;AV-001;20/01/2025;;-120,00;-120,00;€;Avoir\r\n"
        "411MAR;Établissements Martin;F-002;03.02.25;05/03/2025;480,5;;;\r\n",
        encoding="cp1252",
    )
    parsed, items = parse(path)
    assert parsed.customers["411MAR"].name == "Établissements Martin"
    assert [(i.kind, i.number, i.amount, i.open_amount, i.currency) for i in items] == [
        (ItemKind.INVOICE, "F-001", D("1200.00"), D("1200.00"), "EUR"),
        (ItemKind.CREDIT_NOTE, "AV-001", D("120.00"), D("120.00"), "EUR"),
        (ItemKind.INVOICE, "F-002", D("480.50"), D("0.00"), "EUR"),  # empty "reste dû": paid
    ]
    assert items[1].due_date is None
    assert items[2].issue_date == dt.date(2025, 2, 3)
    assert items[0].label == "Prestation é"


def test_it_reads_an_english_export_with_quoted_amounts(tmp_path):
    path = write(
        tmp_path,
        "aging.csv",
        "\ufeffCustomer ID,Customer Name,Invoice No.,Invoice Date,Due Date,Amount,Balance,Type\n"
        'C-1,"Acme, Inc.",INV-9,2025-01-15,2025-02-14,"1,234.56","1,000.00",Invoice\n'
        'C-1,"Acme, Inc.",CN-2,2025-01-20,2025-01-20,"50.00","50.00",Credit Note\n',
    )
    parsed, items = parse(path)
    assert parsed.customers["C-1"].name == "Acme, Inc."
    assert [(i.kind, i.number, i.amount, i.open_amount) for i in items] == [
        (ItemKind.INVOICE, "INV-9", D("1234.56"), D("1000.00")),
        (ItemKind.CREDIT_NOTE, "CN-2", D("50.00"), D("50.00")),
    ]


def test_it_takes_the_whole_amount_as_open_without_an_open_amount_column(tmp_path):
    path = write(
        tmp_path,
        "open.csv",
        "client code\tinvoice\tdate\tamount\nC1\tF1\t20250115\t99.90\n",
    )
    parsed, items = parse(path)
    assert parsed.has_due_dates is False
    assert [(i.amount, i.open_amount, i.due_date) for i in items] == [
        (D("99.90"), D("99.90"), None)
    ]
    assert parsed.customers["C1"].name == ""


def test_it_finds_the_header_below_a_title_line(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "Balance agee au 31/01/2025;;;\n;;;\nCompte client;Facture;Date pièce;Solde\n"
        "C1;F1;02/01/2025;10,00\n",
    )
    _parsed, items = parse(path)
    assert [(i.line, i.number, i.open_amount) for i in items] == [(4, "F1", D("10.00"))]


def test_it_follows_an_explicit_mapping(tmp_path):
    path = write(tmp_path, "erp.csv", "Cpt;Doc;Dt;Mt;Ech\nC1;D-1;01/02/2025;15,00;03/03/2025\n")
    mapping = {
        "customer_code": "Cpt",
        "number": "Doc",
        "issue_date": "Dt",
        "amount": "Mt",
        "due_date": "Ech",
    }
    _parsed, items = parse(path, mapping=mapping)
    assert [(i.customer_code, i.number, i.amount, i.due_date) for i in items] == [
        ("C1", "D-1", D("15.00"), dt.date(2025, 3, 3))
    ]


def test_it_reads_a_customer_master_file_with_french_headers(tmp_path):
    path = write(
        tmp_path,
        "clients.csv",
        "Code client;Raison sociale;SIREN;N° TVA;E-mail;Téléphone;Adresse;Code postal;Ville;"
        "Délai de paiement\n"
        "C1;Dupont SARL;732829320;FR40732829320;compta@dupont.fr;01 02 03 04 05;1 rue Haute;"
        "75001;Paris;45 jours\n",
    )
    parsed, items = parse(path)
    assert parsed.content == "customers" and items == []
    customer = parsed.customers["C1"]
    assert (customer.siren, customer.vat_number, customer.email, customer.phone) == (
        "732829320",
        "FR40732829320",
        "compta@dupont.fr",
        "01 02 03 04 05",
    )
    assert (customer.address, customer.postal_code, customer.city, customer.terms_days) == (
        "1 rue Haute",
        "75001",
        "Paris",
        45,
    )


def test_it_reads_the_first_sheet_of_an_excel_workbook(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["N° client", "Nom client", "N° pièce", "Date pièce", "Date d'échéance", "Montant"]
    )
    sheet.append([1001, "Dupont", "F-1", dt.datetime(2025, 1, 15), dt.date(2025, 2, 14), 1234.56])
    sheet.append(["1002", "Martin", "F-2", "20/01/2025", None, -0.1 + -0.2])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["1003", "Durand", "F-3", 45678, "2025-03-01", "12,5"])
    workbook.create_sheet("Ignored").append(["x"])
    path = tmp_path / "encours.xlsx"
    workbook.save(path)
    parsed, items = parse(path)
    assert parsed.format == "xlsx"
    assert [
        (i.line, i.customer_code, i.kind, i.issue_date, i.due_date, i.amount) for i in items
    ] == [
        (2, "1001", ItemKind.INVOICE, dt.date(2025, 1, 15), dt.date(2025, 2, 14), D("1234.56")),
        (3, "1002", ItemKind.CREDIT_NOTE, dt.date(2025, 1, 20), None, D("0.30")),
        (5, "1003", ItemKind.INVOICE, dt.date(2025, 1, 21), dt.date(2025, 3, 1), D("12.50")),
    ]
    assert parsed.rows_read == 3
    assert parsed.customers["1001"].name == "Dupont"


def test_it_yields_settled_rows_with_a_zero_open_amount(tmp_path):
    path = write(
        tmp_path, "i.csv", "code client;n° facture;date;montant;solde\nC1;F1;01/01/2025;5;0\n"
    )
    _parsed, items = parse(path)
    assert [(i.number, i.open_amount) for i in items] == [("F1", D("0.00"))]


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("utf-8", "Bœuf & Cie 1 000 €"),
        ("utf-8-sig", "Bœuf & Cie 1 000 €"),
        ("cp1252", "Bœuf & Cie 1 000 € – payé"),
        ("iso-8859-15", "Bœuf & Cie 1 000 € payé"),
        ("iso-8859-15", "Cœur de Bœuf, payé"),  # no euro sign: œ alone decides
        ("cp1252", "Crème brûlée, payé"),  # bytes Latin-1 and Windows-1252 share
    ],
)
def test_it_decodes_each_encoding_french_exports_use(tmp_path, encoding, text):
    path = write(
        tmp_path,
        "c.csv",
        f"code client;raison sociale;n° facture;date;montant\nC1;{text};F1;01/01/2025;1\n",
        encoding=encoding,
    )
    parsed, _items = parse(path)
    assert parsed.customers["C1"].name == text


@pytest.mark.parametrize(
    "chunks, expected",
    [
        ([b"plain ascii;", "payé €".encode()], "utf-8-sig"),
        ([b"plain ascii;", "payé €".encode()[:-1]], None),  # a character cut at the end
        ([b"plain ascii;", b"pay\xe9 \x80"], "cp1252"),  # the euro in a later block
        ([b"C\xbdur;", b"pay\xe9"], "iso-8859-15"),  # an ISO-8859-15 letter first ...
        ([b"C\xbdur;", b"pay\xe9 \x80"], "cp1252"),  # ... then a C1 byte: Windows-1252
        ([b"Cr\xe8me;", b"br\xfbl\xe9e"], "latin-1"),  # Windows-1252 without C1: the same
        ([b"\x80;", b"\x81"], "error"),  # 0x81 is no character in Windows-1252 either
    ],
)
def test_it_detects_the_encoding_from_the_whole_file_read_in_blocks(
    tmp_path, monkeypatch, chunks, expected
):
    monkeypatch.setattr(text, "CHUNK_BYTES", 8)
    path = tmp_path / "f.csv"
    path.write_bytes(b"".join(c.ljust(16, b" ") for c in chunks))
    if expected == "error":
        with pytest.raises(ImportFileError, match="no character in these encodings"):
            text.detect_encoding(path, "f.csv")
    elif expected is None:
        assert text.detect_encoding(path, "f.csv") != "utf-8-sig"
    else:
        assert text.detect_encoding(path, "f.csv") == expected


@pytest.mark.parametrize(
    "header, field",
    [
        ("N° de facture", "number"),
        ("Numéro de pièce", "number"),
        ("Invoice #", "number"),
        ("INVOICE NO.", "number"),
        ("Date d'échéance", "due_date"),
        ("Reste à payer", "open_amount"),
        ("Montant T.T.C.", "amount"),
        ("N° TVA intracommunautaire", "vat_number"),
        ("Code  Client", "customer_code"),
    ],
)
def test_it_recognises_headers_whatever_their_accents_case_and_punctuation(header, field):
    assert match_headers([header]) == {field: 0}


def test_it_prefers_the_more_specific_header_for_a_field():
    columns = match_headers(["Date", "Date facture", "Montant HT", "Montant TTC", "Notes"])
    assert columns == {"issue_date": 1, "amount": 3}
