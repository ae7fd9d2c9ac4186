"""Excel workbooks (.xlsx): the rows of the first sheet, streamed with openpyxl's read-only
mode so a large workbook is never held in memory. Cells keep their types (dates as
datetime, numbers as int/float, text as str); ``cells.py`` reads them."""

import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .text import file_error


def _damaged(file_name: str, detail: str):
    return file_error(
        file_name, _("an Excel .xlsx workbook"), _("a damaged workbook") + f" ({detail})"
    )


def open_first_sheet(path: Path, file_name: str):
    """The workbook and its first sheet; a damaged or foreign file is an ImportFileError."""
    from openpyxl import load_workbook  # here: 0.2 s of start-up that CSV and FEC imports skip

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise _damaged(file_name, str(exc) or type(exc).__name__) from exc
    except Exception as exc:  # openpyxl raises its own and lxml's errors on broken parts
        raise _damaged(file_name, type(exc).__name__) from exc
    if not workbook.worksheets:
        workbook.close()
        raise file_error(file_name, _("an Excel workbook with a sheet"), _("no sheet"))
    return workbook, workbook.worksheets[0]


def xlsx_rows(path: Path, file_name: str) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for each row of the first sheet; closes the workbook."""
    workbook, sheet = open_first_sheet(path, file_name)
    try:
        for row_no, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield row_no, list(values)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise _damaged(file_name, str(exc) or type(exc).__name__) from exc
    finally:
        workbook.close()
