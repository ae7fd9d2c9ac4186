"""``encaisse disputes import FILE``: register disputes from a CSV file, all or nothing.

One row is one dispute on one invoice. Columns (header row required, any order, ``;`` or
``,``): ``customer_code``, ``invoice_number``, ``disputed_amount`` (``2 500,00`` or
``2500.00``), ``reason_code``, ``raised_on`` (``2026-03-02`` or ``02/03/2026``),
``description`` (the customer's words). Every row is checked and registered in one
transaction; if any row is wrong, nothing is kept and every error is reported with its line and
column."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core.dates import parse_date
from encaisse.core.money import parse_amount
from encaisse.customers.models import Customer
from encaisse.receivables.choices import InvoiceKind
from encaisse.receivables.models import Invoice

from ..choices import Origin
from ..models import ReasonCode
from .opening import dispute_open

COLUMNS = [
    "customer_code",
    "invoice_number",
    "disputed_amount",
    "reason_code",
    "raised_on",
    "description",
]
# Service field names -> the file's column.
SERVICE_FIELDS = {
    "invoices.0.disputed_amount": "disputed_amount",
    "invoices.0.invoice": "invoice_number",
    "raised_on": "raised_on",
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


class DisputeImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _rows(text: str):
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DisputeImportError(
            [
                RowError(
                    1,
                    column,
                    _("Missing column (expected: %(columns)s).") % {"columns": ", ".join(COLUMNS)},
                )
                for column in missing
            ]
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _parse(line: int, row: dict, errors: list[RowError]) -> dict | None:
    before = len(errors)
    customer = Customer.objects.filter(code=row["customer_code"]).first()
    if customer is None:
        errors.append(RowError(line, "customer_code", _("No customer with this code.")))
    invoice = None
    if customer is not None:
        invoice = Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, number=row["invoice_number"], customer=customer
        ).first()
        if invoice is None:
            errors.append(
                RowError(line, "invoice_number", _("No invoice of this customer with this number."))
            )
    try:
        amount = parse_amount(row["disputed_amount"])
    except ValueError:
        errors.append(RowError(line, "disputed_amount", _("Not an amount.")))
        amount = None
    reason_code = ReasonCode.objects.filter(code=row["reason_code"], active=True).first()
    if row["reason_code"] and reason_code is None:
        errors.append(RowError(line, "reason_code", _("Unknown reason code.")))
    try:
        raised_on = parse_date(row["raised_on"])
    except ValueError:
        errors.append(RowError(line, "raised_on", _("Not a date.")))
        raised_on = None
    if len(errors) > before:
        return None
    return {
        "customer": customer,
        "invoices_amounts": [(invoice, amount)],
        "reason_code": reason_code,
        "raised_on": raised_on,
        "words": row["description"],
    }


def disputes_import(*, actor, path: Path) -> list:
    """Register one dispute per row of ``path``; raise DisputeImportError (nothing kept)
    listing every wrong row."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DisputeImportError([RowError(1, "", _("The file is not UTF-8 text."))]) from None
    errors: list[RowError] = []
    created = []
    with transaction.atomic():
        for line, row in _rows(text):
            values = _parse(line, row, errors)
            if values is None:
                continue
            try:
                with transaction.atomic():
                    created.append(dispute_open(actor=actor, origin=Origin.IMPORT, **values))
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    column = SERVICE_FIELDS.get(field, field)
                    errors += [RowError(line, column, message) for message in messages]
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise DisputeImportError(errors)
    return created
