"""Which reader a file goes to: ``fec``, ``csv`` or ``xlsx``.

An .xlsx workbook is a ZIP archive holding ``xl/workbook.xml``; any other ZIP, image, PDF or
binary file is refused by name. A text file whose header names ``CompteNum``, ``PieceRef``
and ``Debit`` (or ``Montant``) is a FEC, whatever its extension; other text is CSV."""

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from .fec import fec_header_score, looks_like_fec
from .text import binary_kind, file_error, first_lines, text_expected

FORMATS = ("auto", "fec", "csv", "xlsx")
FEC_SEPARATORS = ("\t", "|", ";", ",")


def is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def detect_format(path: Path, head: bytes, *, file_name: str, format: str) -> str:
    """The format to read the file as; raises ImportFileError for files no reader takes."""
    if format not in FORMATS:
        raise file_error(file_name, _("a format among auto, fec, csv, xlsx"), format)
    kind = binary_kind(head)
    named_xlsx = file_name.lower().endswith((".xlsx", ".xlsm"))
    if format == "xlsx" or (
        format == "auto" and (kind == "a ZIP archive" or (named_xlsx and kind is not None))
    ):
        if kind != "a ZIP archive":
            found = _(kind) if kind else _("a text file")
            raise file_error(file_name, _("an Excel .xlsx workbook"), found)
        if not is_xlsx(path):
            if named_xlsx:
                return "xlsx"  # let openpyxl say what is wrong with it
            raise file_error(file_name, text_expected(), _("a ZIP archive"))
        return "xlsx"
    if kind is not None:
        raise file_error(file_name, text_expected(), _(kind))
    return format if format != "auto" else ""


def fec_separator(header: str) -> str:
    """The separator under which the header reads as the most FEC column names."""
    best = max(FEC_SEPARATORS, key=lambda sep: (fec_header_score(header.split(sep)), sep == "\t"))
    return best if fec_header_score(header.split(best)) >= 2 else ""


def text_format(path: Path, encoding: str) -> tuple[str, str]:
    """("fec", separator) when the first line is a FEC header, else ("csv", "")."""
    lines = first_lines(path, encoding, 1)
    header = lines[0] if lines else ""
    separator = fec_separator(header)
    if separator and looks_like_fec(header.split(separator)):
        return "fec", separator
    return "csv", ""
