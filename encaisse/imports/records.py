"""What parsers hand to the importer: plain records, one per open item or customer.

Parsers (imports/parsers/) read files of every shape into these; the importer
(imports/services/) writes them to the ledger in bulk. Nothing here touches the database.

Open items travel from the file parsers to the importer as plain tuples (``ItemRow``, see
``ROW_FIELDS``) rather than OpenItemRecords: at a million lines an object and two Decimals per
row cost a third of the import's time. ``ParsedLedger.items`` still offers them as records, for
readers that want attributes (tests, tools); the API builds records and the importer turns them
into rows itself."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class ItemKind:
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"  # cash received and not (fully) matched to an invoice


@dataclass(slots=True)
class CustomerRecord:
    """A customer as a file names it. Empty strings mean "the file does not say"."""

    code: str
    name: str = ""
    line: int = 0
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    email: str = ""
    phone: str = ""
    segment: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    terms_days: int | None = None


@dataclass(slots=True)
class OpenItemRecord:
    """One invoice, credit note or unmatched payment of a customer.

    ``amount`` and ``open_amount`` are positive whatever the kind; the kind gives the sign.
    ``due_date`` is None when the file has none (a FEC): the importer derives it from the
    customer's payment terms. ``line`` is the file line the item starts on, for messages."""

    line: int
    customer_code: str
    kind: str
    number: str
    issue_date: dt.date
    amount: Decimal
    open_amount: Decimal
    due_date: dt.date | None = None
    currency: str = "EUR"
    label: str = ""
    reference: str = ""


# An open item on its way to the staging table: (line, customer_code, kind, number, issue_date,
# due_date, amount, open_amount, currency, label, reference). Amounts in whole cents, positive
# whatever the kind (the kind gives the sign); dates as ISO text (``2026-01-31``, what SQLite
# stores and COPY reads; ISO strings compare like the dates), ``due_date`` None when the file
# has none.
ROW_FIELDS = (
    "line",
    "customer_code",
    "kind",
    "number",
    "issue_date",
    "due_date",
    "amount",
    "open_amount",
    "currency",
    "label",
    "reference",
)
ItemRow = tuple


def record_of(row: ItemRow) -> OpenItemRecord:
    """The OpenItemRecord of a row (amounts back to Decimals, dates to ``date``)."""
    line, code, kind, number, issue, due, amount, open_amount, currency, label, reference = row
    return OpenItemRecord(
        line=line,
        customer_code=code,
        kind=kind,
        number=number,
        issue_date=dt.date.fromisoformat(issue),
        amount=Decimal(amount).scaleb(-2),
        open_amount=Decimal(open_amount).scaleb(-2),
        due_date=None if due is None else dt.date.fromisoformat(due),
        currency=currency,
        label=label,
        reference=reference,
    )


def records_of(rows):
    """Records of an iterator of rows, made as they are consumed."""
    for row in rows:
        yield record_of(row)


@dataclass(slots=True)
class RowError:
    """A row the parser could not read: where, what was expected, what was found."""

    file: str
    line: int
    column: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: expected {self.expected}, found {self.found!r}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
            "message": str(self),
        }


class ImportFileError(Exception):
    """The file cannot be imported as a whole (or a row is bad and bad rows are not skipped).

    ``errors`` holds one RowError or more; ``str()`` reads like
    ``fec.txt, line 12, column 'Debit': expected an amount such as 1234,56, found '12a'``."""

    def __init__(self, errors: list[RowError] | RowError | str, *, file: str = ""):
        if isinstance(errors, str):
            self.errors = [RowError(file=file, line=0, column="", expected="", found="")]
            self.message = f"{file}: {errors}" if file else errors
        else:
            self.errors = errors if isinstance(errors, list) else [errors]
            self.message = "; ".join(str(e) for e in self.errors[:5])
            if len(self.errors) > 5:
                self.message += f" (and {len(self.errors) - 5} more)"
        super().__init__(self.message)


@dataclass
class ParsedLedger:
    """A parsed file. ``rows`` (file parsers: ItemRows) or else ``items`` (OpenItemRecords) is an
    iterator consumed once by the importer; while it is consumed the parser fills ``customers``
    (by code) and, with skip_bad_rows, ``errors``. A file parser sets both, ``items`` being the
    records of ``rows``: consume one of them, not both.

    ``content`` is "open_items" (invoices, credit notes, payments) or "customers" (a customer
    master file with no invoices). ``rows_read`` counts data rows once the items are consumed."""

    file_name: str
    format: str  # "fec", "csv" or "xlsx"
    content: str
    items: "object"  # Iterator[OpenItemRecord]
    customers: dict[str, CustomerRecord] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    has_due_dates: bool = True
    rows: "object" = None  # Iterator[ItemRow], or None when ``items`` is the source

    def use_rows(self, rows) -> None:
        """Make ``rows`` the source, with ``items`` as their records."""
        self.rows = rows
        self.items = records_of(rows)
