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
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from django.utils.translation import gettext as _

from encaisse.core.money import cents_to_amount
from encaisse.imports.records import CustomerRecord, ItemKind, ParsedLedger

from .cells import cell_amount, cell_date, cell_text, read_cents
from .errors import RowErrors
from .forked import rows_from_child, worth_forking
from .headers import FIELD_LABELS, FIELD_SYNONYMS, MappingError, match_headers
from .text import describe_separator, file_error

HEADER_SEARCH_ROWS = 20
# A customer record as a plain tuple, the way the child process sends them back: a hundred
# thousand records go through the pipe three times faster as tuples (building and rebuilding
# them included) than as objects.
record_row = attrgetter(*(f.name for f in fields(CustomerRecord)))
CHILD_MIN_BYTES = 8 << 20  # some 90,000 rows of open items: below, a process costs more
DELIMITERS = (";", ",", "\t", "|")
ITEM_FIELDS = frozenset({"number", "amount", "open_amount", "issue_date", "due_date"})
# The optional columns of an open-items row, looked up once per file (None when absent).
ITEM_COLUMNS = ("due_date", "amount", "open_amount", "kind", "currency", "label", "reference")
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


def _text(value) -> str:
    return value.strip() if value.__class__ is str else cell_text(value)


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
        path: Path | None = None,
    ):
        self.file_name = file_name
        self.rows = rows
        # A large CSV file is read in a child process (``forked.py``) while the importer stages
        # the rows already read.
        self.in_child = path is not None and worth_forking(path, CHILD_MIN_BYTES)
        self.mapping = mapping
        self.delimiter = delimiter
        self.result = ParsedLedger(
            file_name=file_name, format=format, content="open_items", items=iter(())
        )
        self.errors = RowErrors(self.result, skip_bad_rows=skip_bad_rows)
        # In the child: the customers created or changed since the last batch sent.
        self._fresh: list[CustomerRecord] | None = [] if self.in_child else None
        self._dates: dict = {}

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
        if self.result.content == "open_items":
            self.key_columns = tuple(self.col[f] for f in ("customer_code", "number", "issue_date"))
            self.item_columns = tuple(self.col.get(f) for f in ITEM_COLUMNS)
        rows = self._rows(pending)
        if self.in_child:
            rows = rows_from_child(
                rows,
                state=self._state,
                restore=self._restore,
                news=self._news,
                absorb=self._absorb,
            )
        self.result.use_rows(rows)
        return self.result

    def _news(self) -> list[tuple]:
        """The customers created or changed since the last call, as plain tuples (quicker to
        pickle than the records): sent by the child process with each batch of rows."""
        fresh = list(map(record_row, self._fresh))
        self._fresh.clear()
        return fresh

    def _absorb(self, customers: list[tuple]) -> None:
        self.result.customers.update((row[0], CustomerRecord(*row)) for row in customers)

    def _state(self) -> tuple:
        """What reading the rows taught the reader: sent back by the child process."""
        errors = self.errors
        return self.result.rows_read, self._news(), errors.found, errors.count

    def _restore(self, state: tuple) -> None:
        self.result.rows_read, customers, found, self.errors.count = state
        self._absorb(customers)
        self.errors.found[:] = found  # with skip_bad_rows, the ledger's own list of errors

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

    def _rows(self, pending):
        errors = self.errors
        ncols = len(self.headers)
        width = max(self.col.values()) + 1
        to_record = self._item if self.result.content == "open_items" else self._customer
        seen: dict = {}
        rows = 0
        delimiter = self.delimiter
        filler = "" if delimiter else None
        # A cell most rows fill: when it holds text, the row is not blank (no join needed).
        probe = self.col.get("customer_code", 0)
        for source in (pending, self.rows):
            for line_no, cells in source:
                if len(cells) < width:
                    cells = list(cells) + [filler] * (width - len(cells))
                elif len(cells) > ncols and delimiter and any(c.strip() for c in cells[ncols:]):
                    self._wrong_width(line_no, ncols, len(cells))
                    rows += 1
                    continue
                if delimiter:
                    if not (cells[probe].strip() or "".join(cells).strip()):
                        continue
                elif not any(cell_text(c) for c in cells):
                    continue
                rows += 1
                record = to_record(line_no, cells, seen)
                if record is not None and (errors.skip or not errors.count):
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

    def _date(self, value) -> str | None:
        """A date as ISO text, None for an empty cell; dates repeat, so strings are parsed
        once."""
        if value.__class__ is str:
            date = self._dates.get(value)
            if date is None:
                date = cell_date(value)
                if date is not None:
                    date = self._dates[value] = date.isoformat()
            return date
        date = cell_date(value)
        return None if date is None else date.isoformat()

    @staticmethod
    def _cents(value) -> int | None:
        """Whole cents, None for an empty cell."""
        if value.__class__ is str:
            return read_cents(value) if value and not value.isspace() else None
        amount = cell_amount(value)
        return None if amount is None else int(amount * 100)

    def _item(self, line_no: int, cells, seen) -> tuple | None:
        """The ItemRow of a row (``records.ROW_FIELDS``), or None after recording the error.

        The common cells (text dates already seen, both amounts written ``1234,56``) are read
        in line; anything else goes the long way (``_date``, ``_amounts``), which words the
        errors."""
        i_code, i_number, i_issue = self.key_columns
        i_due, i_amount, i_open, i_kind, i_currency, i_label, i_ref = self.item_columns
        code = cells[i_code]
        code = code.strip() if code.__class__ is str else cell_text(code)
        if not code:
            return self._bad(line_no, "customer_code", _("a customer code"), "")
        number = cells[i_number]
        number = number.strip() if number.__class__ is str else cell_text(number)
        if not number:
            return self._bad(line_no, "number", _("an invoice number"), "")
        dates = self._dates
        raw = cells[i_issue]
        issue_date = dates.get(raw)
        if issue_date is None:
            try:
                issue_date = self._date(raw)
            except ValueError:
                issue_date = None
            if issue_date is None:
                return self._bad(line_no, "issue_date", _("a date such as 31/01/2024"), raw)
        due_date = None
        if i_due is not None:
            raw = cells[i_due]
            due_date = dates.get(raw)
            if due_date is None:
                try:
                    due_date = self._date(raw)
                except ValueError:
                    return self._bad(line_no, "due_date", _("a date such as 31/01/2024"), raw)
        amount = open_amount = None
        if i_amount is not None and i_open is not None and self.delimiter:  # CSV: all text
            head, comma, tail = cells[i_amount].partition(",")
            if comma and len(tail) == 2 and head.isdecimal() and tail.isdecimal():
                amount = int(head + tail)
                head, comma, tail = cells[i_open].partition(",")
                if comma and len(tail) == 2 and head.isdecimal() and tail.isdecimal():
                    open_amount = int(head + tail)
        if open_amount is None or open_amount > amount:
            amounts = self._amounts(line_no, cells)
            if amounts is None:
                return None
            amount, open_amount = amounts
        kind = None
        if i_kind is not None:
            i = i_kind
            raw = _text(cells[i])
            if raw:
                kind = KIND_BY_WORD.get(raw.lower())
                if kind is None:
                    expected = _("a type such as facture, avoir, invoice or credit note")
                    return self._bad(line_no, "kind", expected, raw)
        negative = amount < 0 or (amount == 0 and open_amount < 0)
        if kind is None or (kind == ItemKind.INVOICE and negative):
            kind = ItemKind.CREDIT_NOTE if negative else ItemKind.INVOICE
        currency = "EUR"
        if i_currency is not None:
            raw = cells[i_currency]
            if raw != "EUR":
                currency = _text(raw).upper().replace("€", "EUR") or "EUR"
                if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
                    return self._bad(line_no, "currency", _("a currency code such as EUR"), raw)
        numbers = seen.setdefault(kind, {})
        first = numbers.get(number)
        if first is not None:
            expected = _("a number not already used on line %(line)d") % {"line": first}
            return self._bad(line_no, "number", expected, number)
        numbers[number] = line_no
        customers = self.result.customers
        customer = customers.get(code)
        if customer is None:
            customer = customers[code] = self._customer_record(line_no, code, cells)
            if self._fresh is not None:
                self._fresh.append(customer)
        elif not customer.name and "customer_name" in self.col:
            customer.name = _text(cells[self.col["customer_name"]])
            if self._fresh is not None and customer.name:
                self._fresh.append(customer)  # already sent, maybe: sent again
        i, j = i_label, i_ref
        return (
            line_no,
            code,
            kind,
            number,
            issue_date,
            due_date,
            abs(amount),
            abs(open_amount),
            currency,
            "" if i is None else _text(cells[i])[:255],
            "" if j is None else _text(cells[j])[:100],
        )

    def _amounts(self, line_no: int, cells):
        """(amount, open amount) in signed cents, or None after recording the error."""
        col = self.col
        amount = open_amount = None
        for field in ("amount", "open_amount"):
            i = col.get(field)
            if i is not None:
                try:
                    value = self._cents(cells[i])
                except ValueError:
                    return self._bad(line_no, field, _("an amount such as 1234,56"), cells[i])
                if field == "amount":
                    amount = value
                else:
                    open_amount = value
        if amount is None and open_amount is None:
            field = "amount" if "amount" in col else "open_amount"
            return self._bad(line_no, field, _("an amount such as 1234,56"), "")
        if amount is None:
            amount = open_amount
        if open_amount is None:
            # No open-amount column: all of it is open; an empty cell in one: nothing is.
            open_amount = amount if "open_amount" not in col else 0
        if open_amount and amount and (open_amount < 0) != (amount < 0):
            expected = _("an open amount of the same sign as the amount (%(amount)s)")
            shown = cents_to_amount(amount)
            return self._bad(
                line_no, "open_amount", expected % {"amount": shown}, cents_to_amount(open_amount)
            )
        if abs(open_amount) > abs(amount):
            expected = _("an open amount no larger than the amount (%(amount)s)")
            shown = cents_to_amount(amount)
            return self._bad(
                line_no, "open_amount", expected % {"amount": shown}, cents_to_amount(open_amount)
            )
        return amount, open_amount

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
        first = seen.get(code)
        if first is not None:
            expected = _("a customer code not already used on line %(line)d") % {"line": first}
            return self._bad(line_no, "customer_code", expected, code)
        seen[code] = line_no
        record = self._customer_record(line_no, code, cells)
        if "terms_days" in self.col:
            raw = cell_text(self._get(cells, "terms_days"))
            digits = raw.split()[0] if raw else ""
            if raw and not digits.isdigit():
                return self._bad(line_no, "terms_days", _("a number of days such as 30"), raw)
            record.terms_days = int(digits) if digits else None
        self.result.customers[code] = record
        if self._fresh is not None:
            self._fresh.append(record)
        return None
