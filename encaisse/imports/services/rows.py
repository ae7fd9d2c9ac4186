"""From parsed records to staging rows: the business checks a record must pass to be imported.

Parsers check the syntax of a file (a date is a date, an amount an amount); these checks are
the ledger's rules (an open amount never exceeds the amount, a number fits its column...), the
same for every source: FEC, CSV, Excel and the API. A record that fails them becomes a RowError
naming the record's field, so the API can answer ``body.invoices.3.amount``.
"""

from decimal import Decimal

from encaisse.core.money import ZERO, to_cents

from ..records import ItemKind, OpenItemRecord, RowError

MAX_AMOUNT = Decimal("1000000000000")  # 14 digits, 2 of them decimals
NUMBER_MAX = {ItemKind.INVOICE: 64, ItemKind.CREDIT_NOTE: 64, ItemKind.PAYMENT: 100}
KIND_WORDS = "invoice, credit_note or payment"


class RecordRefused(Exception):
    def __init__(self, column: str, expected: str, found):
        super().__init__(column)
        self.column, self.expected, self.found = column, expected, found


def _amount(value, column: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise RecordRefused(column, "an amount", value)
    if value < ZERO:
        raise RecordRefused(column, "a positive amount (the kind gives the sign)", str(value))
    if value >= MAX_AMOUNT:
        raise RecordRefused(column, "an amount below 1,000,000,000,000", str(value))
    return to_cents(value)


def stage_row(record: OpenItemRecord, *, default_currency: str, as_text: bool = False) -> tuple:
    """The staging row of one record (``staging.COLUMNS`` order), or RecordRefused.

    ``as_text``: dates and amounts as the strings SQLite stores (its driver would call an
    adapter per value otherwise; at a million rows that shows)."""
    kind = record.kind
    max_number = NUMBER_MAX.get(kind)
    if max_number is None:
        raise RecordRefused("kind", KIND_WORDS, kind)
    code = (record.customer_code or "").strip()
    if not code:
        raise RecordRefused("customer_code", "a customer code", "")
    if len(code) > 64:
        raise RecordRefused("customer_code", "a customer code of at most 64 characters", code)
    number = (record.number or "").strip()
    if not number:
        raise RecordRefused("number", "a document number", "")
    if len(number) > max_number:
        raise RecordRefused("number", f"a number of at most {max_number} characters", number)
    amount = _amount(record.amount, "amount")
    open_amount = _amount(record.open_amount, "open_amount")
    if open_amount > amount:
        raise RecordRefused(
            "open_amount", f"an open amount no greater than the amount ({amount})", open_amount
        )
    if kind == ItemKind.PAYMENT and amount == ZERO:
        raise RecordRefused("amount", "a payment amount greater than zero", str(amount))
    due_date = record.due_date
    if due_date is not None and due_date < record.issue_date:
        raise RecordRefused(
            "due_date",
            f"a due date on or after the issue date ({record.issue_date.isoformat()})",
            due_date.isoformat(),
        )
    currency = (record.currency or default_currency).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RecordRefused("currency", "a three-letter currency code such as EUR", currency)
    if kind == ItemKind.CREDIT_NOTE:
        amount, open_amount = -amount, -open_amount
    issue_date = record.issue_date
    if as_text:
        issue_date, amount, open_amount = issue_date.isoformat(), str(amount), str(open_amount)
        due_date = None if due_date is None else due_date.isoformat()
    return (
        record.line,
        code,
        kind,
        number,
        issue_date,
        due_date,
        0 if due_date is None else 1,
        amount,
        open_amount,
        currency,
        (record.label or "")[:255],
        (record.reference or "")[:100],
    )


def stage_rows(
    items, errors: list[RowError], *, file_name: str, default_currency: str, as_text: bool = False
):
    """Yield the staging rows of ``items``; refused records go to ``errors`` instead."""
    for record in items:
        try:
            yield stage_row(record, default_currency=default_currency, as_text=as_text)
        except RecordRefused as refused:
            errors.append(
                RowError(
                    file=file_name,
                    line=record.line,
                    column=refused.column,
                    expected=refused.expected,
                    found=str(refused.found),
                )
            )
