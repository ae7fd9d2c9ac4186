"""The totals shown next to an import, so the user sees that nothing was lost.

``file_totals``: what the input holds, per customer and overall: open invoices, minus open
credit notes, minus cash not matched to an invoice. ``imported_totals``: the same figures read
back from the ledger once the import is applied, for the customers the input names. They differ
when the ledger holds documents the file does not (entered by hand, pushed by the API) or when a
row was skipped; the batch page highlights those customers.

The file's sums run in cents (integers: the staging table holds cents). The ledger's side is
each customer's stored ``open_balance``, rounded to the cent: on SQLite that balance is a sum of
floating-point values, whose error stays far below half a cent at any ledger's size, so no stray
0.01 shows. Amounts are returned as strings: JSON has no decimal type.
"""

from decimal import Decimal

from django.db import connection

from .staging import fetch


def _as_text(cents) -> str:
    """``-1234.50`` for -123450 cents: what ``str`` of the quantized Decimal gives, written
    with integers (a ledger of a hundred thousand customers formats two hundred thousand)."""
    cents = int(round(cents or 0))
    units, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{units}.{rest:02d}"


def _totals(rows) -> dict:
    customers = {}
    overall = 0
    for code, cents in rows:
        cents = int(round(cents or 0))
        customers[code] = _as_text(cents)
        overall += cents
    return {"overall": _as_text(overall), "customers": dict(sorted(customers.items()))}


def file_totals(tally: dict[str, int]) -> dict:
    """Totals of the input's accepted rows, from the open cents per customer code that the
    importer tallied while it staged them."""
    return _totals(tally.items())


def stage_tally() -> dict[str, int]:
    """Open cents per customer code, read back from the staging table: when rows were taken
    out of it after the tally (duplicates skipped). On SQLite the table is read in order rather
    than through an index: a million random lookups cost three times the sort of the groups."""
    hint = " NOT INDEXED" if connection.vendor == "sqlite" else ""
    # The hint is a constant; there are no parameters.
    sql = f"""
        SELECT customer_code,
               SUM(CASE WHEN kind = 'payment' THEN -open_amount ELSE open_amount END)
        FROM encaisse_import_stage{hint}
        GROUP BY customer_code
    """  # noqa: S608
    return {code: int(cents) for code, cents in fetch(sql)}


def imported_totals() -> dict:
    """Open balance in the ledger now, for each customer of the staging table: the stored
    ``open_balance`` (open invoices and credit notes, minus unallocated cash), which the import
    has just refreshed (``customer_balances_refresh`` sums what this would sum again)."""
    return _totals(
        fetch(
            "SELECT c.code, ROUND(c.open_balance * 100) FROM customers_customer AS c"
            " WHERE c.code IN (SELECT code FROM encaisse_import_code)"
        )
    )


def totals_compare(file: dict, imported: dict) -> list[dict]:
    """Rows for the batch page: one per customer with both figures and their difference,
    customers whose figures differ first (then by code)."""
    file_customers = file.get("customers", {})
    imported_customers = imported.get("customers", {})
    rows = []
    for code in sorted(set(file_customers) | set(imported_customers)):
        in_file = Decimal(file_customers.get(code, "0"))
        in_ledger = Decimal(imported_customers.get(code, "0"))
        rows.append(
            {
                "code": code,
                "file": in_file,
                "imported": in_ledger,
                "difference": in_ledger - in_file,
            }
        )
    rows.sort(key=lambda row: (row["difference"] == 0, row["code"]))
    return rows
