"""Exports of any list to CSV and Excel, from columns and an iterable of rows.

List pages answer with ``csv_response`` / ``xlsx_response``; commands write to a stream or a
path with ``write_csv`` / ``write_xlsx``. Rows are plain sequences in column order, read once,
so a queryset's ``.values_list(...).iterator()`` streams a million invoices without holding them.

CSV: UTF-8, comma separated, amounts with a point as decimal separator and two decimals, dates
ISO (``2026-03-31``), so any spreadsheet or script reads them whatever its locale. Excel: amounts
are numbers with a ``#,##0.00`` format and dates are dates, so they sum and sort in Excel."""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .money import to_cents

TEXT = "text"
MONEY = "money"
DATE = "date"
INTEGER = "integer"

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: ``header`` is written as it is (machine names such as
    ``customer_code`` in the exports scripts read), ``kind`` says how values are written."""

    header: str
    kind: str = TEXT
    width: int | None = None


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        amount = to_cents(Decimal(value))
        return "0.00" if amount == 0 else f"{amount:.2f}"
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object whose ``write`` returns the line, for ``csv.writer`` streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text line by line: the header, then one line per row."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([c.header for c in columns])
    kinds = [c.kind for c in columns]
    for row in rows:
        yield writer.writerow([_csv_value(v, k) for v, k in zip(row, kinds, strict=True)])


def write_csv(stream, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    """Write the CSV to a text stream (``sys.stdout``, an open file)."""
    for line in csv_lines(columns, rows):
        stream.write(line)


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    """A streamed CSV download: nothing is held in memory, the first bytes leave at once."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(columns, rows)),
        content_type=CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind == MONEY:
        return to_cents(Decimal(value))
    if kind == INTEGER:
        return int(value)
    return value


def write_xlsx(target, columns: Sequence[Column], rows: Iterable[Sequence], *, title="Export"):
    """Write an Excel workbook of one sheet to ``target`` (a path or a binary file object).

    openpyxl's write-only mode spills rows to a temporary file as they come, so memory stays
    flat whatever the number of rows. The header row is bold and frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        width = column.width or (14 if column.kind in (MONEY, DATE) else 20)
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [
        MONEY_FORMAT if c.kind == MONEY else DATE_FORMAT if c.kind == DATE else None
        for c in columns
    ]
    kinds = [c.kind for c in columns]
    for row in rows:
        cells = []
        for value, kind, number_format in zip(row, kinds, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value, kind))
            if number_format and value is not None:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Sequence], *, title="Export"
):
    """An Excel download. A workbook is a zip archive, written whole before it is sent: it is
    built in a temporary file (not memory), which the response streams and then closes."""
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, columns, rows, title=title)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
