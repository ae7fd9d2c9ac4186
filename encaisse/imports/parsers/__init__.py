"""Import parsers: files of every shape to plain records, without touching the database.

``parse_file(path, ...)`` returns a :class:`~encaisse.imports.records.ParsedLedger`; the
importer (``imports/services/``) consumes its ``rows`` once (plain tuples, amounts in cents:
``records.ROW_FIELDS``) and writes them in bulk. ``items`` offers the same open items as
OpenItemRecords, for readers that want objects.

Formats
=======

FEC (Fichier des Écritures Comptables, LPF art. A47 A-1)
    The year's entries, one line each, 18 columns read by header name. Accepted: tab, ``|``,
    ``;`` or ``,`` separators (the one under which the header reads best), no quoting, CRLF or
    LF, UTF-8 with or without BOM, Windows-1252 or ISO-8859-15, decimal comma or point, signs
    leading or trailing, spaces as thousands separators, empty amounts as zero, dates
    AAAAMMJJ, the ``Montant``/``Sens`` variant (Sens D/C or +1/-1), ``Crédit`` spelled with an
    accent, the 21/22-column BA/BNC variants and any extra columns (a ``DateLimitReglmt``
    column, as Dolibarr writes, gives the due date). Customers are the receivable accounts
    (``fec.RECEIVABLE_PREFIXES``, 411 by default; pass ``receivable_prefixes`` to add 413 or
    416) keyed by ``CompAuxNum``/``CompAuxLib``, or ``CompteNum``/``CompteLib`` when the
    auxiliary account is blank. Open items are computed from lettrage (see ``fec.py``); the FEC
    has no due date, so ``has_due_dates`` is False and the importer applies payment terms.
    Amounts are the book currency (EUR); ``Idevise`` is not used.

CSV (open items or customers)
    ``;``, ``,``, tab or ``|`` separated (sniffed from the header line), quoted fields,
    decimal comma or point, dates dd/mm/yyyy, dd/mm/yy, dd.mm.yyyy, ISO or AAAAMMJJ,
    Windows-1252, ISO-8859-15 or UTF-8 with or without BOM. Headers are recognised in
    French and English (``headers.FIELD_SYNONYMS``); ``mapping`` (field -> header) overrides.
    A sheet with invoice columns is ``content == "open_items"``; one with only customer
    columns (code, name, email, SIREN...) is ``"customers"`` and yields no items.

Excel (.xlsx)
    The first sheet, read like a CSV; date cells, numbers and text keep their types.

Detection (``format="auto"``)
=============================

1. An empty file, a binary file (NUL bytes, control characters) or a known signature (PNG,
   JPEG, PDF, ZIP that is not a workbook, .xls, UTF-16) is refused by name.
2. A ZIP holding ``xl/workbook.xml`` (or a binary file named .xlsx) goes to the Excel reader.
3. Text is decoded as strict UTF-8, else Windows-1252, else ISO-8859-15 when a byte where
   ISO-8859-15 has € or œ (0xA4, 0xBD...) appears and no 0x80-0x9F byte does
   (``text.detect_encoding``).
4. A first line naming ``CompteNum``, ``PieceRef`` and ``Debit`` or ``Montant`` is a FEC;
   anything else is a CSV.

Errors
======

Whole-file problems raise :class:`~encaisse.imports.records.ImportFileError` from
``parse_file`` itself (unreadable, empty, binary, wrong encoding, no separator, missing
columns). Bad rows are found while ``items`` is consumed: with ``skip_bad_rows`` they are
listed in ``parsed.errors`` and left out; without it the parser reads on to find every bad
row (the first 1,000 are kept), yields nothing more after the first one, and raises them
together in one ImportFileError when the file is read. Every message names the file, the
line, the column, what was expected and what was found.
"""

import datetime as dt
from pathlib import Path

from django.utils.translation import gettext as _

from encaisse.imports.records import ParsedLedger

from .detect import detect_format, fec_separator, text_format
from .fec import RECEIVABLE_PREFIXES, FecReader
from .tabular import TabularReader, csv_rows, sniff_delimiter
from .text import detect_encoding, file_error, first_lines, read_head
from .xlsx import xlsx_rows

__all__ = ["RECEIVABLE_PREFIXES", "parse_file"]


def parse_file(
    path: Path,
    *,
    file_name: str | None = None,
    format: str = "auto",
    mapping: dict | None = None,
    skip_bad_rows: bool = False,
    as_of: dt.date | None = None,
    receivable_prefixes: tuple[str, ...] = RECEIVABLE_PREFIXES,
) -> ParsedLedger:
    """Read an import file; see the module docstring for formats, detection and errors."""
    path = Path(path)
    file_name = file_name or path.name
    head = read_head(path, file_name)
    chosen = detect_format(path, head, file_name=file_name, format=format)
    if chosen == "xlsx":
        reader = TabularReader(
            file_name=file_name,
            format="xlsx",
            rows=xlsx_rows(path, file_name),
            mapping=mapping,
            skip_bad_rows=skip_bad_rows,
        )
        return reader.parsed()
    encoding = detect_encoding(path, file_name)
    separator = ""
    if chosen in ("", "fec"):
        detected, separator = text_format(path, encoding)
        if chosen == "fec" and detected != "fec":
            separator = fec_separator(first_lines(path, encoding, 1)[0])
            if not separator:
                raise file_error(
                    file_name,
                    _("a FEC header separated by tabs or '|'"),
                    first_lines(path, encoding, 1)[0][:200],
                    line=1,
                )
        chosen = chosen or detected
    if chosen == "fec":
        return FecReader(
            path,
            file_name=file_name,
            encoding=encoding,
            separator=separator,
            skip_bad_rows=skip_bad_rows,
            as_of=as_of,
            receivable_prefixes=receivable_prefixes,
        ).parsed()
    delimiter = sniff_delimiter(first_lines(path, encoding, 20), mapping)
    if not delimiter:
        header = first_lines(path, encoding, 1)[0]
        if mapping is None and not any(d in header for d in ";,\t|"):
            raise file_error(
                file_name,
                _("columns separated by ';', ',', tab or '|'"),
                header[:200],
                line=1,
            )
        delimiter = max(";,\t|", key=header.count)
    reader = TabularReader(
        file_name=file_name,
        format="csv",
        rows=csv_rows(path, encoding, delimiter),
        mapping=mapping,
        skip_bad_rows=skip_bad_rows,
        delimiter=delimiter,
        path=path,
    )
    return reader.parsed()
