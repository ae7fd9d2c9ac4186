"""Turning one spreadsheet cell into text, an amount or a date.

CSV cells are always strings; Excel cells arrive as str, int, float, datetime or date.
Amounts never go through float arithmetic: an Excel float is read back through its shortest
``repr`` and rounded half up to the cent, strings go through ``parse_cents``. Each function
raises ValueError for a value it cannot read; the caller words the message."""

import datetime as dt
from decimal import Decimal

from encaisse.core.dates import parse_date
from encaisse.core.money import cents_to_amount, parse_cents, to_cents

EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
# Amount cells that are zero as they stand, read without a call (half a FEC's amount cells).
ZERO_AMOUNTS = frozenset({"", "0,00", "0.00"})


def read_cents(text: str) -> int:
    """``parse_cents`` (the same answers, the same ValueErrors) with a fast path for the empty
    cell and the plain ``1234,56`` that accounting exports write millions of times."""
    if not text:
        return 0
    head, _sep, tail = text.partition(",")
    if len(tail) == 2 and head.isdecimal() and tail.isdecimal():
        return int(head + tail)
    return parse_cents(text)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a customer code typed as a number: 1001.0 -> "1001"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def cell_amount(value) -> Decimal | None:
    """None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return cents_to_amount(parse_cents(value))
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value).quantize(Decimal("0.01"))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(value)
        return to_cents(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return to_cents(value)
    raise ValueError(value)


def cell_date(value) -> dt.date | None:
    """None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value) if value.strip() else None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return parse_date(str(int(value)))  # AAAAMMJJ typed as a number
        if 1 <= value <= EXCEL_MAX_SERIAL:
            # A date cell without a date format: Excel's serial day number (1900 system).
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    raise ValueError(value)
