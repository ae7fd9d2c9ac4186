"""Writes to the ledger's balances. Set-based: one UPDATE for all customers, no loop.

The open invoices are summed from the covering partial index ``invoice_open_cover_idx``
(customer, due date, open amount...): one index seek per customer, never the table. The status
is a literal in the SQL so that SQLite can prove the partial index applies."""

import datetime as dt

from django.db import connection

from encaisse.core.dates import today

from ..choices import InvoiceStatus


def _sums_sql() -> tuple[str, str]:
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    invoices = f"""
        COALESCE((SELECT SUM(i.open_amount) FROM receivables_invoice AS i{hint}
                  WHERE i.status = '{InvoiceStatus.OPEN}' AND i.customer_id = customers_customer.id
                  {{due}}), 0)
    """  # noqa: S608 - constants only
    cash = """
        COALESCE((SELECT SUM(p.unallocated_amount) FROM receivables_payment AS p
                  WHERE p.unallocated_amount > 0 AND p.customer_id = customers_customer.id
                  {received}), 0)
    """
    open_balance = invoices.format(due="") + " - " + cash.format(received="")
    overdue_balance = (
        invoices.format(due="AND i.due_date < %s")
        + " - "
        + cash.format(received="AND p.received_on < %s")
    )
    return open_balance, overdue_balance


def customer_balances_refresh(*, as_of: dt.date | None = None, customer_ids=None) -> int:
    """Recompute the stored open and overdue balances of customers (all, or ``customer_ids``).

    Called after every import and payment, and each morning by the worker (overdue moves with
    the date). Lists sort and filter on these columns; detail pages compute live figures."""
    as_of = connection.ops.adapt_datefield_value(as_of or today())
    open_balance, overdue_balance = _sums_sql()
    where, params = "", [as_of, as_of, as_of]
    if customer_ids is not None:
        ids = [int(pk) for pk in customer_ids]
        if not ids:
            return 0
        where = f" WHERE id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    # Fragments are constants built above; values are parameters.
    sql = f"""
        UPDATE customers_customer
        SET open_balance = {open_balance}, overdue_balance = {overdue_balance},
            balances_as_of = %s{where}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
