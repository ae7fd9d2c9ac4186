"""From parsed rows to staging rows: the business checks a row must pass to be imported.

Parsers check the syntax of a file (a date is a date, an amount an amount); these checks are
the ledger's rules (an open amount never exceeds the amount, a number fits its column...), the
same for every source: FEC, CSV, Excel and the API. A row that fails them becomes a RowError
naming the row's field, so the API can answer ``body.invoices.3.amount``.

File parsers hand over ItemRows (tuples, amounts in cents: ``records.ROW_FIELDS``); the API
hands over OpenItemRecords, which ``record_rows`` turns into ItemRows first. At a million rows
the loop in ``stage_rows`` is the importer's hottest Python: it stays one flat loop over tuples.
"""

from decimal import Decimal

from encaisse.core.money import ZERO, cents_to_amount, to_cents

from ..records import ItemKind, OpenItemRecord, RowError

MAX_AMOUNT = Decimal("1000000000000")  # 14 digits, 2 of them decimals
MAX_CENTS = 100 * 1_000_000_000_000
NUMBER_MAX = {ItemKind.INVOICE: 64, ItemKind.CREDIT_NOTE: 64, ItemKind.PAYMENT: 100}
KIND_WORDS = "invoice, credit_note or payment"


class RecordRefused(Exception):
    def __init__(self, column: str, expected: str, found):
        super().__init__(column)
        self.column, self.expected, self.found = column, expected, found


def _cents(value, column: str) -> int:
    """A record's Decimal amount in whole cents (rounded half up), or RecordRefused."""
    if not isinstance(value, Decimal):
        raise RecordRefused(column, "an amount", value)
    if value < ZERO:
        raise RecordRefused(column, "a positive amount (the kind gives the sign)", str(value))
    if value >= MAX_AMOUNT:
        raise RecordRefused(column, "an amount below 1,000,000,000,000", str(value))
    return int(to_cents(value).scaleb(2))


def _iso(value) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()


def record_row(record: OpenItemRecord) -> tuple:
    """The ItemRow of a record (API pushes, hand-made ledgers), or RecordRefused for an amount
    that is no positive Decimal."""
    return (
        record.line,
        record.customer_code or "",
        record.kind,
        record.number or "",
        _iso(record.issue_date),
        _iso(record.due_date),
        _cents(record.amount, "amount"),
        _cents(record.open_amount, "open_amount"),
        record.currency or "",
        record.label or "",
        record.reference or "",
    )


def record_rows(records, errors: list[RowError], *, file_name: str):
    """ItemRows of ``records``; records whose amounts are refused go to ``errors``."""
    for record in records:
        try:
            yield record_row(record)
        except RecordRefused as refused:
            errors.append(_error(file_name, record.line, refused))


def _error(file_name: str, line: int, refused: RecordRefused) -> RowError:
    return RowError(
        file=file_name,
        line=line,
        column=refused.column,
        expected=refused.expected,
        found=str(refused.found),
    )


def _refusal(row: tuple, default_currency: str) -> RecordRefused | None:
    """Why a row is refused (the first rule it breaks), or None. The slow, thorough twin of the
    checks inlined in ``stage_rows``, run only on the rows those checks stop."""
    _line, code, kind, number, issue, due, amount, open_amount, currency, _label, _ref = row
    max_number = NUMBER_MAX.get(kind)
    if max_number is None:
        return RecordRefused("kind", KIND_WORDS, kind)
    code = code.strip()
    if not code:
        return RecordRefused("customer_code", "a customer code", "")
    if len(code) > 64:
        return RecordRefused("customer_code", "a customer code of at most 64 characters", code)
    number = number.strip()
    if not number:
        return RecordRefused("number", "a document number", "")
    if len(number) > max_number:
        return RecordRefused("number", f"a number of at most {max_number} characters", number)
    for column, cents in (("amount", amount), ("open_amount", open_amount)):
        if cents < 0:
            expected = "a positive amount (the kind gives the sign)"
            return RecordRefused(column, expected, str(cents_to_amount(cents)))
        if cents >= MAX_CENTS:
            expected = "an amount below 1,000,000,000,000"
            return RecordRefused(column, expected, str(cents_to_amount(cents)))
    if open_amount > amount:
        expected = f"an open amount no greater than the amount ({cents_to_amount(amount)})"
        return RecordRefused("open_amount", expected, cents_to_amount(open_amount))
    if kind == ItemKind.PAYMENT and amount == 0:
        return RecordRefused("amount", "a payment amount greater than zero", "0.00")
    if due is not None and due < issue:
        return RecordRefused("due_date", f"a due date on or after the issue date ({issue})", due)
    currency = (currency or default_currency).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        return RecordRefused("currency", "a three-letter currency code such as EUR", currency)
    return None


def stage_rows(
    rows,
    errors: list[RowError],
    *,
    file_name: str,
    default_currency: str,
    tally: dict,
    kinds: dict,
):
    """Yield the staging rows (``staging.COLUMNS`` order) of ItemRows; refused rows go to
    ``errors`` instead. Amounts stay in cents, signed as the ledger stores them (credit notes
    negative); ``due_given`` says whether the row had a due date. ``tally`` receives the open
    cents of each customer code (payments count against the customer: cash on account),
    ``kinds`` the number of rows of each kind."""
    invoice, credit_note, payment = ItemKind.INVOICE, ItemKind.CREDIT_NOTE, ItemKind.PAYMENT
    default_currency = (default_currency or "").strip().upper()
    for row in rows:
        line, code, kind, number, issue, due, amount, open_amount, currency, label, ref = row
        # The common row is checked in line; anything unusual goes through ``_refusal``.
        if not (
            (kind == invoice or kind == credit_note or (kind == payment and amount))
            and code
            and number
            and 0 <= open_amount <= amount < MAX_CENTS
            and (due is None or due >= issue)
            and currency == "EUR"
            and len(code) <= 64
            and len(number) <= 64
            and code.strip() == code
            and number.strip() == number
        ):
            refused = _refusal(row, default_currency)
            if refused is not None:
                errors.append(_error(file_name, line, refused))
                continue
            code, number = code.strip(), number.strip()
            currency = (currency or default_currency).strip().upper()
        if kind == credit_note:
            amount, open_amount = -amount, -open_amount
        tally[code] = tally.get(code, 0) + (-open_amount if kind == payment else open_amount)
        kinds[kind] = kinds.get(kind, 0) + 1
        yield (
            line,
            code,
            kind,
            number,
            issue,
            due,
            0 if due is None else 1,
            amount,
            open_amount,
            currency,
            label if len(label) <= 255 else label[:255],
            ref if len(ref) <= 100 else ref[:100],
        )
