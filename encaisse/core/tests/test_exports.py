import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from encaisse.core.exports import (
    DATE,
    INTEGER,
    MONEY,
    Column,
    csv_response,
    write_csv,
    write_xlsx,
    xlsx_response,
)

COLUMNS = [
    Column("code"),
    Column("due_date", DATE),
    Column("days", INTEGER),
    Column("amount", MONEY),
]
ROWS = [
    ("C1", dt.date(2026, 3, 31), 12, Decimal("1234.5")),
    ("Société Générale, Lyon", None, 0, Decimal("-0.004")),
    ("C3", dt.date(2026, 1, 2), 3, Decimal("-99.99")),
]


def test_it_writes_csv_with_point_decimals_and_iso_dates():
    stream = io.StringIO()
    write_csv(stream, COLUMNS, ROWS)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [
        ["code", "due_date", "days", "amount"],
        ["C1", "2026-03-31", "12", "1234.50"],
        ["Société Générale, Lyon", "", "0", "0.00"],
        ["C3", "2026-01-02", "3", "-99.99"],
    ]


def test_it_streams_a_csv_response_in_utf8():
    response = csv_response("invoices.csv", COLUMNS, iter(ROWS))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="invoices.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert list(csv.reader(io.StringIO(text)))[2][0] == "Société Générale, Lyon"


def test_it_writes_xlsx_with_numbers_and_dates_typed(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, COLUMNS, ROWS, title="Invoices")
    sheet = load_workbook(path).active
    assert sheet.title == "Invoices"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["code", "due_date", "days", "amount"]
    assert values[1] == ["C1", dt.datetime(2026, 3, 31), 12, 1234.5]
    assert values[2] == ["Société Générale, Lyon", None, 0, 0]
    assert values[3][3] == -99.99
    amount, due = sheet["D2"], sheet["B2"]
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert sheet["A1"].font.bold


def test_it_answers_an_xlsx_download(tmp_path):
    response = xlsx_response("aged.xlsx", COLUMNS, iter(ROWS))
    assert response["Content-Disposition"] == 'attachment; filename="aged.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    response.file_to_stream.close()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 4
    assert sheet["D4"].value == -99.99


def test_it_escapes_text_for_excel(tmp_path):
    path = tmp_path / "odd.xlsx"
    columns = [Column(f"c{n}") for n in range(28)]
    row = ['<Dupont & Fils> "SA"\x01', *range(1, 28)]
    write_xlsx(path, columns, [row], title="Balance: 2026/03 [v2]")
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Balance  2026 03  v2"
    assert sheet["A2"].value == '<Dupont & Fils> "SA"'
    assert sheet["AB1"].value == "c27" and sheet["AB2"].value == 27
