"""Open-item and customer spreadsheets (CSV and Excel): one row per invoice or customer.

The header row is found among the first rows (a title line above it is fine) as the row
whose cells name the most fields of ``headers.FIELD_SYNONYMS``; an explicit mapping
(field -> header) wins over recognition. A file with invoice columns (number, amount, open
amount, dates) is "open_items"; a file with a customer code and none of those is a customer
master file ("customers": CustomerRecords only).

Per row: an empty open amount cell is 0 (settled), a missing open-amount column means the
whole amount is open, a negative amount (or a type avoir / credit note) makes a credit note
with positive amounts in the record, and a (kind, number) already seen earlier in the file
is a bad row naming both lines.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from encaisse.imports.records import CustomerRecord, ItemKind, OpenItemRecord, ParsedLedger

from .cells import cell_amount, cell_date, cell_text
from .errors import RowErrors
from .headers import FIELD_LABELS, FIELD_SYNONYMS, MappingError, match_headers
from .text import describe_separator, file_error

HEADER_SEARCH_ROWS = 20
DELIMITERS = (";", ",", "\t", "|")
ITEM_FIELDS = frozenset({"number", "amount", "open_amount", "issue_date", "due_date"})
CUSTOMER_FIELDS = (
    "email",
    "siren",
    "siret",
    "vat_number",
    "segment",
    "phone",
    "address",
    "postal_code",
    "city",
)
KIND_WORDS = {
    ItemKind.INVOICE: ("facture", "invoice", "fa", "f", "fac", "inv", "debit", "débit"),
    ItemKind.CREDIT_NOTE: (
        "avoir",
        "credit note",
        "credit",
        "crédit",
        "av",
        "a",
        "cn",
        "credit memo",
        "note de crédit",
    ),
    ItemKind.PAYMENT: ("paiement", "règlement", "reglement", "payment", "encaissement", "rg"),
}
KIND_BY_WORD = {word: kind for kind, words in KIND_WORDS.items() for word in words}


def csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number the record starts on, cells) for each record of a CSV file."""
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', strict=False)
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1


def sniff_delimiter(lines: list[str], mapping: dict | None) -> str:
    """The delimiter under which some early line reads as the best header."""
    best = (-1, 0, DELIMITERS[0])
    for order, delimiter in enumerate(DELIMITERS):
        for line in lines:
            cells = next(csv.reader([line], delimiter=delimiter))
            if len(cells) < 2:
                continue
            try:
                score = len(match_headers(cells, mapping))
            except MappingError:
                score = 0
            candidate = (score, -order, delimiter)
            if candidate > best:
                best = candidate
    if best[0] < 1:
        return ""
    return best[2]


def find_header(rows: list[tuple[int, list]], mapping: dict | None, file_name: str):
    """The (line, cells, columns) of the header row among the first rows."""
    best = None
    mapping_error = None
    for line_no, cells in rows:
        headers = [cell_text(c) for c in cells]
        try:
            columns = match_headers(headers, mapping)
        except MappingError as exc:
            mapping_error = mapping_error or exc
            continue
        if best is None or len(columns) > len(best[2]):
            best = (line_no, headers, columns)
    if best is None and mapping_error is not None:
        line_no, cells = rows[0]
        raise file_error(
            file_name,
            _("the columns of the mapping (%(problem)s)") % {"problem": mapping_error},
            ", ".join(cell_text(c) for c in cells if cell_text(c)),
            line=line_no,
        )
    return best


class TabularReader:
    """Rows of a CSV or Excel sheet to records. ``rows`` yields (line number, cells)."""

    def __init__(
        self,
        *,
        file_name: str,
        format: str,
        rows: Iterator[tuple[int, list]],
        mapping: dict | None,
        skip_bad_rows: bool,
        delimiter: str = "",
    ):
        self.file_name = file_name
        self.rows = rows
        self.mapping = mapping
        self.delimiter = delimiter
        self.result = ParsedLedger(
            file_name=file_name, format=format, content="open_items", items=iter(())
        )
        self.errors = RowErrors(self.result, skip_bad_rows=skip_bad_rows)

    def parsed(self) -> ParsedLedger:
        early = []
        for line_no, cells in self.rows:
            if any(cell_text(c) for c in cells):
                early.append((line_no, cells))
                if len(early) == HEADER_SEARCH_ROWS:
                    break
        if not early:
            raise file_error(
                self.file_name, _("a file with a header line and data"), _("an empty file")
            )
        found = find_header(early, self.mapping, self.file_name)
        if found is None or not found[2]:
            line_no, cells = early[0]
            self._missing(line_no, [cell_text(c) for c in cells], ["customer_code", "number"])
        self.header_line, self.headers, self.col = found
        self._check_columns()
        pending = [(n, c) for n, c in early if n > self.header_line]
        if not pending and len(early) < HEADER_SEARCH_ROWS:
            self._no_data()
        self.result.has_due_dates = "due_date" in self.col
        self.result.items = self._items(pending)
        return self.result

    def _check_columns(self) -> None:
        col = self.col
        if ITEM_FIELDS & col.keys():
            self.result.content = "open_items"
            required = ["customer_code", "number", "issue_date"]
            missing = [f for f in required if f not in col]
            if "amount" not in col and "open_amount" not in col:
                missing.append("amount")
        else:
            self.result.content = "customers"
            missing = [] if "customer_code" in col else ["customer_code"]
        if missing:
            self._missing(self.header_line, self.headers, missing)

    def _missing(self, line_no: int, headers: list[str], missing: list[str]):
        names = ", ".join(_(FIELD_LABELS[f]) for f in missing)
        examples = ", ".join(repr(FIELD_SYNONYMS[f][0]) for f in missing)
        raise file_error(
            self.file_name,
            _("columns for %(names)s (headers such as %(examples)s, or a column mapping)")
            % {"names": names, "examples": examples},
            ", ".join(h for h in headers if h) or _("no headers"),
            line=line_no,
        )

    # -- rows ------------------------------------------------------------------------------

    def _items(self, pending):
        errors = self.errors
        ncols = len(self.headers)
        width = max(self.col.values()) + 1
        to_record = self._item if self.result.content == "open_items" else self._customer
        seen: dict[tuple[str, str], int] = {}
        rows = 0
        for source in (pending, self.rows):
            for line_no, cells in source:
                if len(cells) < width:
                    cells = list(cells) + [None] * (width - len(cells))
                elif (
                    len(cells) > ncols and self.delimiter and any(c.strip() for c in cells[ncols:])
                ):
                    self._wrong_width(line_no, ncols, len(cells))
                    rows += 1
                    continue
                if not any(cell_text(c) for c in cells):
                    continue
                rows += 1
                record = to_record(line_no, cells, seen)
                if record is not None and not errors.failing:
                    yield record
        self.result.rows_read = rows
        if not rows:
            self._no_data()
        errors.raise_if_any()

    def _no_data(self):
        raise file_error(
            self.file_name,
            _("rows of data below the header"),
            _("a header line only"),
            line=self.header_line,
        )

    def _wrong_width(self, line_no: int, ncols: int, found: int) -> None:
        expected = _("%(count)d fields separated by %(separator)s") % {
            "count": ncols,
            "separator": describe_separator(self.delimiter),
        }
        text = _("%(count)d fields") % {"count": found}
        if self.delimiter == ",":
            text += " " + _("(decimal commas in a comma-separated file? quote the amounts)")
        self.errors.add(line_no, "", expected, text)

    def _bad(self, line_no: int, field: str, expected: str, value) -> None:
        header = self.headers[self.col[field]] if field in self.col else FIELD_LABELS[field]
        self.errors.add(line_no, header, expected, cell_text(value))

    def _get(self, cells, field):
        i = self.col.get(field)
        return None if i is None else cells[i]

    def _item(self, line_no: int, cells, seen) -> OpenItemRecord | None:
        get = self._get
        code = cell_text(get(cells, "customer_code"))
        if not code:
            return self._bad(line_no, "customer_code", _("a customer code"), "")
        number = cell_text(get(cells, "number"))
        if not number:
            return self._bad(line_no, "number", _("an invoice number"), "")
        raw = get(cells, "issue_date")
        try:
            issue_date = cell_date(raw)
        except ValueError:
            issue_date = None
        if issue_date is None:
            return self._bad(line_no, "issue_date", _("a date such as 31/01/2024"), raw)
        due_date = None
        if "due_date" in self.col:
            raw = get(cells, "due_date")
            try:
                due_date = cell_date(raw)
            except ValueError:
                return self._bad(line_no, "due_date", _("a date such as 31/01/2024"), raw)
        amounts = self._amounts(line_no, cells)
        if amounts is None:
            return None
        amount, open_amount = amounts
        kind = None
        if "kind" in self.col:
            raw = cell_text(get(cells, "kind"))
            if raw:
                kind = KIND_BY_WORD.get(raw.lower())
                if kind is None:
                    expected = _("a type such as facture, avoir, invoice or credit note")
                    return self._bad(line_no, "kind", expected, raw)
        negative = amount < 0 or (amount == 0 and open_amount < 0)
        if kind is None or (kind == ItemKind.INVOICE and negative):
            kind = ItemKind.CREDIT_NOTE if negative else ItemKind.INVOICE
        currency = "EUR"
        if "currency" in self.col:
            currency = cell_text(get(cells, "currency")).upper().replace("€", "EUR") or "EUR"
            if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
                expected = _("a currency code such as EUR")
                return self._bad(line_no, "currency", expected, get(cells, "currency"))
        first = seen.get((kind, number))
        if first is not None:
            expected = _("a number not already used on line %(line)d") % {"line": first}
            return self._bad(line_no, "number", expected, number)
        seen[(kind, number)] = line_no
        self._note_customer(line_no, code, cells)
        return OpenItemRecord(
            line=line_no,
            customer_code=code,
            kind=kind,
            number=number,
            issue_date=issue_date,
            amount=abs(amount),
            open_amount=abs(open_amount),
            due_date=due_date,
            currency=currency,
            label=cell_text(get(cells, "label"))[:255],
            reference=cell_text(get(cells, "reference"))[:100],
        )

    def _amounts(self, line_no: int, cells):
        """(amount, open amount), signed as in the file, or None after recording the error."""
        expected = _("an amount such as 1234,56")
        values = {}
        for field in ("amount", "open_amount"):
            if field in self.col:
                raw = self._get(cells, field)
                try:
                    values[field] = cell_amount(raw)
                except ValueError:
                    return self._bad(line_no, field, expected, raw)
        amount, open_amount = values.get("amount"), values.get("open_amount")
        if amount is None and open_amount is None:
            field = "amount" if "amount" in self.col else "open_amount"
            return self._bad(line_no, field, expected, "")
        if amount is None:
            amount = open_amount
        if open_amount is None:
            # No open-amount column: all of it is open; an empty cell in one: nothing is.
            open_amount = amount if "open_amount" not in self.col else amount * 0
        if open_amount and amount and (open_amount < 0) != (amount < 0):
            expected = _("an open amount of the same sign as the amount (%(amount)s)")
            return self._bad(line_no, "open_amount", expected % {"amount": amount}, open_amount)
        if abs(open_amount) > abs(amount):
            expected = _("an open amount no larger than the amount (%(amount)s)")
            return self._bad(line_no, "open_amount", expected % {"amount": amount}, open_amount)
        return amount, open_amount

    def _note_customer(self, line_no: int, code: str, cells) -> None:
        customers = self.result.customers
        customer = customers.get(code)
        if customer is None:
            customers[code] = self._customer_record(line_no, code, cells)
        elif not customer.name:
            customer.name = cell_text(self._get(cells, "customer_name"))

    def _customer_record(self, line_no: int, code: str, cells) -> CustomerRecord:
        record = CustomerRecord(
            code=code, name=cell_text(self._get(cells, "customer_name")), line=line_no
        )
        for field in CUSTOMER_FIELDS:
            if field in self.col:
                setattr(record, field, cell_text(self._get(cells, field)))
        return record

    def _customer(self, line_no: int, cells, seen) -> CustomerRecord | None:
        code = cell_text(self._get(cells, "customer_code"))
        if not code:
            return self._bad(line_no, "customer_code", _("a customer code"), "")
        first = seen.get(("customer", code))
        if first is not None:
            expected = _("a customer code not already used on line %(line)d") % {"line": first}
            return self._bad(line_no, "customer_code", expected, code)
        seen[("customer", code)] = line_no
        record = self._customer_record(line_no, code, cells)
        if "terms_days" in self.col:
            raw = cell_text(self._get(cells, "terms_days"))
            digits = raw.split()[0] if raw else ""
            if raw and not digits.isdigit():
                return self._bad(line_no, "terms_days", _("a number of days such as 30"), raw)
            record.terms_days = int(digits) if digits else None
        self.result.customers[code] = record
        return None
