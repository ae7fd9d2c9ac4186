"""Broken files: every message names the file, the line and column where it can, what was
expected and what was found."""

import random
import zipfile

import pytest
from django.utils import translation

from encaisse.imports.parsers import parse_file
from encaisse.imports.records import ImportFileError

from .test_parse_fec import HEADER, line, write_fec

INVOICES = "code client;n° facture;date facture;montant;reste dû\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def failure(path, **kwargs) -> ImportFileError:
    with pytest.raises(ImportFileError) as error:
        parsed = parse_file(path, **kwargs)
        list(parsed.items)
    return error.value


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_it_refuses_utf16_text_with_or_without_a_byte_order_mark(tmp_path):
    text = INVOICES + "C1;F1;01/01/2025;10;10\n"
    with_bom = write(tmp_path, "u16.csv", text.encode("utf-16"))
    assert str(failure(with_bom)) == (
        "u16.csv: expected a text file (CSV or FEC) in UTF-8, Windows-1252 or "
        "ISO-8859-15, found 'UTF-16 text'"
    )
    without_bom = write(tmp_path, "u16le.csv", text.encode("utf-16-le"))
    assert "found 'UTF-16 text'" in str(failure(without_bom))


def test_it_refuses_random_bytes(tmp_path):
    path = write(tmp_path, "noise.csv", random.Random(7).randbytes(5000))
    error = failure(path)
    assert str(error).startswith("noise.csv: expected a text file")
    assert "found 'a binary file'" in str(error)


def test_it_refuses_bytes_that_are_no_character_in_the_accepted_encodings(tmp_path):
    path = write(tmp_path, "odd.csv", INVOICES.encode() + b"C1;F\x81\x8d;01/01/2025;1;1\n")
    assert "found 'bytes that are no character in these encodings'" in str(failure(path))


def test_it_refuses_a_png_renamed_csv(tmp_path):
    path = write(tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert str(failure(path)).endswith("found 'a PNG image'")


def test_it_refuses_a_zip_renamed_csv(tmp_path):
    path = tmp_path / "archive.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("invoices.csv", INVOICES)
    error = str(failure(path))
    assert error.startswith("archive.csv: expected a text file")
    assert error.endswith("found 'a ZIP archive'")


def test_it_refuses_a_corrupt_workbook(tmp_path):
    import openpyxl

    good = tmp_path / "good.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["code client", "n° facture", "date", "montant"])
    workbook.save(good)
    truncated = write(tmp_path, "broken.xlsx", good.read_bytes()[:700])
    error = str(failure(truncated))
    assert error.startswith("broken.xlsx: expected an Excel .xlsx workbook")
    assert "a damaged workbook" in error
    garbage = write(tmp_path, "garbage.xlsx", random.Random(3).randbytes(3000))
    assert str(failure(garbage)).startswith("garbage.xlsx: expected an Excel .xlsx")


def test_it_refuses_an_empty_file(tmp_path):
    for name, data in (("empty.csv", b""), ("blank.txt", b"\r\n \n"), ("bom.csv", b"\xef\xbb\xbf")):
        path = write(tmp_path, name, data)
        assert str(failure(path)) == (
            f"{name}: expected a file with a header line and data, found 'an empty file'"
        )


def test_it_refuses_a_header_only_file(tmp_path):
    path = write(tmp_path, "header.csv", INVOICES)
    assert str(failure(path)) == (
        "header.csv, line 1: expected rows of data below the header, found 'a header line only'"
    )
    fec = write_fec(tmp_path)
    assert str(failure(fec)) == (
        "fec.txt, line 1: expected entry lines below the header, found 'a header line only'"
    )


def test_it_names_missing_columns_and_the_headers_found(tmp_path):
    path = write(tmp_path, "export.csv", "Cpt;Doc;Montant\nC1;D1;10\n")
    assert str(failure(path)) == (
        "export.csv, line 1: expected columns for customer code, invoice number, invoice date "
        "(headers such as 'code client', 'n° facture', 'date facture', or a column mapping), "
        "found 'Cpt, Doc, Montant'"
    )


def test_it_names_a_mapping_column_the_file_lacks(tmp_path):
    path = write(tmp_path, "export.csv", "Cpt;Doc;Dt;Mt\nC1;D1;01/01/2025;10\n")
    mapping = {"customer_code": "Compte", "number": "Doc", "issue_date": "Dt", "amount": "Mt"}
    error = str(failure(path, mapping=mapping))
    assert error.startswith("export.csv, line 1: expected the columns of the mapping")
    assert "'Compte'" in error and error.endswith("found 'Cpt, Doc, Dt, Mt'")


def test_it_refuses_text_without_a_known_separator(tmp_path):
    path = write(tmp_path, "notes.txt", "Facture Dupont payee le 3 mars\nA relancer\n")
    assert str(failure(path)) == (
        "notes.txt, line 1: expected columns separated by ';', ',', tab or '|', "
        "found 'Facture Dupont payee le 3 mars'"
    )


def test_it_refuses_a_comma_separated_fec_with_decimal_commas(tmp_path):
    path = write_fec(
        tmp_path,
        "VE,J,1,20250110,411000,C,C1,Client,F1,20250110,Facture,1200,00,0,00,,,20250110,,",
        header=HEADER.replace("|", ","),
    )
    assert str(failure(path)) == (
        "fec.txt, line 2: expected 18 fields separated by ',', found '20 fields "
        "(decimal commas in a comma-separated file?)'"
    )


def test_it_refuses_a_comma_separated_csv_with_decimal_commas(tmp_path):
    path = write(tmp_path, "i.csv", "client code,invoice,date,amount\nC1,F1,01/01/2025,12,50\n")
    assert str(failure(path)) == (
        "i.csv, line 2: expected 4 fields separated by ',', found '5 fields (decimal commas "
        "in a comma-separated file? quote the amounts)'"
    )


def test_it_names_the_line_and_column_of_bad_dates_and_amounts_in_a_fec(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "12a", ""),
        line("VE", "2", "20251310", "411000", "C1", "F2", "Facture", "10,00", ""),
        line("VE", "3", "20250110", "411000", "C1", "F3", "Facture", "1,234", ""),
    )
    error = failure(path)
    assert [str(e) for e in error.errors] == [
        "fec.txt, line 2, column 'Debit': expected an amount such as 1234,56, found '12a'",
        "fec.txt, line 3, column 'PieceDate': expected a date such as 20240131 (AAAAMMJJ), "
        "found '20251310'",
        "fec.txt, line 4, column 'Debit': expected an amount such as 1234,56, found '1,234'",
    ]


def test_it_names_a_bad_sens_in_the_montant_sens_variant(tmp_path):
    header = HEADER.replace("Debit|Credit", "Montant|Sens")
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "F", "10,00", "X"),
        header=header,
    )
    assert str(failure(path)) == (
        "fec.txt, line 2, column 'Sens': expected D or C (or +1 / -1), found 'X'"
    )


def test_it_names_the_line_and_column_of_bad_cells_in_a_csv(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        INVOICES
        + "C1;F1;31/02/2025;10;10\n"
        + "C1;F2;01/02/2025;dix;10\n"
        + "C1;F3;01/02/2025;10;12\n"
        + ";F4;01/02/2025;10;10\n",
    )
    assert [str(e) for e in failure(path).errors] == [
        "i.csv, line 2, column 'date facture': expected a date such as 31/01/2024, "
        "found '31/02/2025'",
        "i.csv, line 3, column 'montant': expected an amount such as 1234,56, found 'dix'",
        "i.csv, line 4, column 'reste dû': expected an open amount no larger than the amount "
        "(10.00), found '12.00'",
        "i.csv, line 5, column 'code client': expected a customer code, found ''",
    ]


def test_it_refuses_a_duplicate_invoice_number_naming_both_lines(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        INVOICES + "C1;F1;01/01/2025;10;10\nC2;F2;01/01/2025;10;10\nC3;F1;02/01/2025;5;5\n",
    )
    error = failure(path)
    assert str(error) == (
        "i.csv, line 4, column 'n° facture': expected a number not already used on line 2, "
        "found 'F1'"
    )
    # An invoice and a credit note may share a number.
    path = write(tmp_path, "ok.csv", INVOICES + "C1;F1;01/01/2025;10;10\nC1;F1;02/01/2025;-5;-5\n")
    assert len(list(parse_file(path).items)) == 2


def test_it_yields_nothing_after_a_bad_row_and_raises_all_of_them_at_the_end(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        INVOICES + "C1;F1;01/01/2025;10;10\nC1;F2;xx;10;10\nC1;F3;01/01/2025;10;10\n"
        "C1;F4;01/01/2025;?;10\n",
    )
    parsed = parse_file(path)
    seen = []
    with pytest.raises(ImportFileError) as error:
        for item in parsed.items:
            seen.append(item.number)
    assert seen == ["F1"]
    assert [e.line for e in error.value.errors] == [3, 5]


def test_it_skips_and_lists_every_bad_row_when_asked(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        INVOICES + "C1;F1;01/01/2025;10;10\nC1;F2;xx;10;10\nC1;F3;01/01/2025;10;10\n"
        "C1;F1;01/01/2025;3;3\nC1;F5;01/01/2025;?;10\n",
    )
    parsed = parse_file(path, skip_bad_rows=True)
    assert [i.number for i in parsed.items] == ["F1", "F3"]
    assert parsed.rows_read == 5
    assert [(e.line, e.column) for e in parsed.errors] == [
        (3, "date facture"),
        (5, "n° facture"),
        (6, "montant"),
    ]
    assert parsed.errors[1].as_dict()["message"] == (
        "i.csv, line 5, column 'n° facture': expected a number not already used on line 2, "
        "found 'F1'"
    )


def test_it_skips_bad_fec_lines_when_asked(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture", "12a", ""),
        line("VE", "2", "20250110", "411000", "C1", "F2", "Facture", "10,00", ""),
        "VE|too|few|fields",
    )
    parsed = parse_file(path, skip_bad_rows=True)
    assert [i.number for i in parsed.items] == ["F2"]
    assert [str(e) for e in parsed.errors] == [
        "fec.txt, line 2, column 'Debit': expected an amount such as 1234,56, found '12a'",
        "fec.txt, line 4: expected 18 fields separated by '|', found '4 fields'",
    ]


def test_it_refuses_a_fec_without_customer_lines(tmp_path):
    path = write_fec(tmp_path, line("BQ", "1", "20250110", "512000", "", "R1", "Frais", "5,00", ""))
    assert str(failure(path)) == (
        "fec.txt: expected lines on customer accounts (411...), found 'none in 1 lines'"
    )


def test_it_refuses_an_unknown_format_name(tmp_path):
    path = write(tmp_path, "i.csv", INVOICES + "C1;F1;01/01/2025;10;10\n")
    assert str(failure(path, format="ods")) == (
        "i.csv: expected a format among auto, fec, csv, xlsx, found 'ods'"
    )
