"""Money helpers: amounts are Decimal, rounded once, half up, to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NARROW_NBSP = "\u202f"


def to_cents(value: Decimal) -> Decimal:
    """Round a Decimal half up to the cent (the only rounding rule Encaisse uses)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Parse an amount as accounting exports write it.

    Accepts a decimal comma or point, spaces or non-breaking spaces as thousands separators,
    a leading or trailing sign (``-12,50`` or ``12,50-``), a currency sign, and parentheses for
    negatives. An empty string is zero. Raises ValueError with the text when it is not a number.
    """
    raw = text
    s = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    s = s.replace("€", "").replace("EUR", "")
    if not s:
        return ZERO
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    elif s.endswith("+"):
        s = s[:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if "," in s and "." in s:
        # The separator that comes last is the decimal one: 1.234,56 or 1,234.56
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        if s.count(",") > 1:
            raise ValueError(f"not an amount: {raw!r}")
        s = s.replace(",", ".")
    elif s.count(".") > 1:
        raise ValueError(f"not an amount: {raw!r}")
    if not s or not all(c.isdigit() or c == "." for c in s) or s == ".":
        raise ValueError(f"not an amount: {raw!r}")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not an amount: {raw!r}") from None
    return -value if negative else value


def parse_cents(text: str) -> int:
    """Parse an amount into whole cents (an int), for parsers that add up millions of lines.

    Reads what ``parse_amount`` reads, with a fast path for the plain ``1234,56`` / ``1234.56``
    that accounting exports mostly write. Refuses more than two significant decimals (``1,234``
    is more likely an English thousands separator than 1.234 euros) with a ValueError."""
    s = text.strip()
    if not s:
        return 0
    head, sep, tail = s.partition(",")
    if not sep:
        head, sep, tail = s.partition(".")
    if head.isdecimal() and (not tail or tail.isdecimal()):
        if len(tail) == 2:
            return int(head) * 100 + int(tail)
        if not tail and (not sep or head):
            return int(head) * 100
        if len(tail) == 1:
            return int(head or "0") * 100 + int(tail) * 10
    value = parse_amount(text)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(cents)


def cents_to_amount(cents: int) -> Decimal:
    """Whole cents back to a two-decimal Decimal: 123456 -> Decimal('1234.56')."""
    return Decimal(cents).scaleb(-2)


def format_amount(value: Decimal | None, *, language: str = "fr") -> str:
    """Render an amount for people: ``12 345,60`` in French, ``12,345.60`` in English."""
    if value is None:
        return ""
    value = to_cents(Decimal(value))
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if language.startswith("fr"):
        return f"{sign}{NARROW_NBSP.join(groups)},{frac}"
    return f"{sign}{','.join(groups)}.{frac}"
