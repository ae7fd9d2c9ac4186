"""The apply engine: writes parsed rows to the ledger in a few set-based statements.

Every source ends here: files (``import_file``, whose parsers yield ItemRows) and the API's bulk
upsert (``invoices_upsert``, OpenItemRecords) call ``ledger_apply`` inside their transaction.
The steps:

1. stream the rows (tuples in cents; the API's records are turned into rows) into the staging
   table (``staging.py``), checking each (``rows.py``);
2. refuse duplicates within the input (same kind and number; a payment's reference per customer);
3. create and update the customers the input names (``customers.py``);
4. match each row to the ledger: invoices and credit notes by kind and number, payments by
   customer and reference; classify it as new, update (something differs) or same;
5. work out the due dates the input lacks (a FEC) from the customer's terms, else the
   company's (joined by the insert);
6. insert the new rows, update the changed ones, and in snapshot mode settle what the input no
   longer lists (only documents that came from file imports: hand-made and API ones are left);
7. total what the input holds and what the ledger now holds, per customer.

No Python loop touches the ORM per invoice: at a million lines the work is a COPY or
``executemany`` into the staging table and a dozen statements inside the database.
"""

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.db import connection

from encaisse.company.selectors import company_get
from encaisse.core.dates import due_date_for
from encaisse.customers.models import Customer
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.services import customer_balances_refresh

from ..choices import ImportContent, ImportMode
from ..records import ImportFileError, RowError
from . import totals
from .customers import customers_upsert
from .rows import record_rows, stage_rows
from .staging import (
    execute,
    fetch,
    sqlite_cache,
    sqlite_indexes_rebuilt,
    stage_codes,
    stage_create,
    stage_drop,
    stage_index_targets,
    stage_load,
)

# Documents that file imports own: a snapshot settles these when the file no longer lists them.
FILE_SOURCES = (Source.FEC, Source.CSV, Source.XLSX)
IMPORT_LOCK_KEY = 4_827_301
SQLITE_CACHE_KIB = 64 * 1024  # counts against the 500 MB an import may use at 1M lines
# Above this many customers, refreshing every balance is cheaper than a long IN list.
REFRESH_ALL_ABOVE = 5000


@dataclass
class ApplyResult:
    rows_read: int = 0
    invoices_created: int = 0
    invoices_updated: int = 0
    invoices_unchanged: int = 0
    invoices_settled: int = 0
    payments_created: int = 0
    payments_updated: int = 0
    payments_settled: int = 0
    customers_created: int = 0
    customers_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    file_totals: dict = field(default_factory=dict)
    imported_totals: dict = field(default_factory=dict)


def ledger_apply(
    *,
    batch,
    ledger,
    source: str,
    mode: str,
    as_of: dt.date,
    skip_bad_rows: bool,
    now: dt.datetime,
) -> ApplyResult:
    """Apply a ParsedLedger to the ledger. The caller holds the transaction (and rolls it back
    for a dry run). Raises ImportFileError when a record is refused and bad rows are not
    skipped; with ``skip_bad_rows`` the refused records are left out and listed in the result."""
    with sqlite_cache(SQLITE_CACHE_KIB), ExitStack() as rebuilt:
        return _apply(
            rebuilt,
            batch=batch,
            ledger=ledger,
            source=source,
            mode=mode,
            as_of=as_of,
            skip_bad_rows=skip_bad_rows,
            now=now,
        )


def _apply(rebuilt, *, batch, ledger, source, mode, as_of, skip_bad_rows, now) -> ApplyResult:
    company = company_get()
    result = ApplyResult()
    errors: list[RowError] = []
    if connection.vendor == "postgresql":
        # Two imports at once would race for the same new invoice numbers: the second waits.
        execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
    stage_create()
    rows = ledger.rows
    if rows is None:
        rows = record_rows(ledger.items, errors, file_name=ledger.file_name)
    # Open cents per customer code, tallied as the rows go by: the file's totals and the
    # customers it names, without an index on the staging table to read them back.
    tally: dict[str, int] = {}
    kinds: dict[str, int] = {}
    staged = stage_load(
        stage_rows(
            rows,
            errors,
            file_name=ledger.file_name,
            default_currency=company.currency,
            tally=tally,
            kinds=kinds,
        )
    )
    duplicates = _duplicates(ledger.file_name, remove=skip_bad_rows)
    errors.extend(duplicates)
    if duplicates and skip_bad_rows:
        tally = totals.stage_tally()  # the rows left once the duplicates are gone
        kinds = dict(fetch("SELECT kind, COUNT(*) FROM encaisse_import_stage GROUP BY kind"))
    codes = sorted(tally)
    stage_codes(codes)
    # A first import creates every customer: their indexes are built once, once balances are.
    rebuilt.enter_context(sqlite_indexes_rebuilt("customers_customer", new_rows=_new_customers()))
    customer_counts = customers_upsert(
        records=ledger.customers, codes=codes, file_name=ledger.file_name, errors=errors
    )
    if (errors or ledger.errors) and not skip_bad_rows:
        raise ImportFileError(sorted([*ledger.errors, *errors], key=lambda e: e.line))
    result.errors = sorted([*ledger.errors, *errors], key=lambda e: e.line)
    result.rows_read = ledger.rows_read or staged + len(errors)
    result.customers_created = customer_counts.created
    result.customers_updated = customer_counts.updated

    # A first import matches nothing: then no row needs a second look (the target index, the
    # comparison with the ledger, the updates, the settlement's anti-join are all skipped).
    matched = _match()
    if matched["invoice"] or matched["payment"]:
        stage_index_targets()
        _classify()
    _due_dates(company)
    _count(result, kinds=kinds, matched=matched["invoice"] + matched["payment"])
    db = _Params(batch_id=batch.pk, as_of=as_of, now=now, source=source)
    settled_customers = False
    if mode == ImportMode.SNAPSHOT and ledger.content == ImportContent.OPEN_ITEMS:
        if result.errors:
            # A skipped row may be an invoice that is still open: settling "what the file does
            # not list" would settle it. The batch says so; the user fixes the file.
            result.warnings.append({"code": "settlement_skipped", "count": len(result.errors)})
        else:
            # Before the inserts: new rows have no target yet and would look "not listed".
            result.invoices_settled, result.payments_settled = _settle_missing(db, matched)
            settled_customers = bool(result.invoices_settled or result.payments_settled)
    _write_invoices(db, created=result.invoices_created, updated=result.invoices_updated)
    _write_payments(db, created=result.payments_created, updated=result.payments_updated)

    result.file_totals = totals.file_totals(tally)
    _refresh_balances(codes, everyone=settled_customers)
    result.imported_totals = totals.imported_totals()  # read from the balances just refreshed
    rebuilt.close()
    stage_drop()
    return result


def _new_customers() -> int:
    """How many of the staged customer codes the ledger does not have yet."""
    return fetch(
        "SELECT COUNT(*) FROM encaisse_import_code AS k"
        " WHERE NOT EXISTS (SELECT 1 FROM customers_customer AS c WHERE c.code = k.code)"
    )[0][0]


@dataclass
class _Params:
    batch_id: int
    as_of: dt.date
    now: dt.datetime
    source: str


def _duplicates(file_name: str, *, remove: bool) -> list[RowError]:
    """Rows that repeat an earlier row's key: refused (and removed when skipping bad rows)."""
    # One pass over the (kind, number) index first: most files repeat no number at all.
    if not fetch(
        "SELECT 1 FROM encaisse_import_stage GROUP BY kind, number HAVING COUNT(*) > 1 LIMIT 1"
    ):
        return []
    rows = fetch(
        """
        SELECT s.line, s.kind, s.number, MIN(t.line)
        FROM encaisse_import_stage AS s
        JOIN encaisse_import_stage AS t
          ON t.kind = s.kind AND t.number = s.number AND t.line < s.line
         AND (s.kind <> 'payment' OR t.customer_code = s.customer_code)
        GROUP BY s.line, s.kind, s.number
        """
    )
    errors = []
    for line, kind, number, first in rows:
        what = "a payment reference" if kind == "payment" else "a document number"
        errors.append(
            RowError(
                file=file_name,
                line=line,
                column="number",
                expected=f"{what} not already on line {first}",
                found=number,
            )
        )
    if rows and remove:
        execute(
            """
            DELETE FROM encaisse_import_stage
            WHERE EXISTS (
                SELECT 1 FROM encaisse_import_stage AS t
                WHERE t.kind = encaisse_import_stage.kind
                  AND t.number = encaisse_import_stage.number
                  AND t.line < encaisse_import_stage.line
                  AND (encaisse_import_stage.kind <> 'payment'
                       OR t.customer_code = encaisse_import_stage.customer_code)
            )
            """
        )
    return errors


def _match() -> dict[str, int]:
    """Point each row at the document it updates, if the ledger has it; returns how many rows
    matched, invoices (and credit notes) and payments."""
    invoices = execute(
        """
        UPDATE encaisse_import_stage AS s SET target_id = i.id
        FROM receivables_invoice AS i
        WHERE s.kind IN ('invoice', 'credit_note') AND i.kind = s.kind AND i.number = s.number
        """
    )
    payments = execute(
        """
        UPDATE encaisse_import_stage AS s SET target_id = p.id
        FROM customers_customer AS c, receivables_payment AS p
        WHERE s.kind = 'payment' AND c.code = s.customer_code
          AND p.customer_id = c.id AND p.reference = s.number
        """
    )
    return {"invoice": invoices, "payment": payments}


def _due_dates(company) -> None:
    """New documents without a due date get the one their customer's terms give.

    Computed once per distinct (issue date, terms) in Python with ``due_date_for`` into the
    table ``encaisse_import_due``, which the invoice insert joins: a million FEC lines share a
    few thousand issue dates and a handful of terms."""
    combos = fetch(
        """
        SELECT DISTINCT s.issue_date, c.terms_kind, c.terms_days
        FROM encaisse_import_stage AS s JOIN customers_customer AS c ON c.code = s.customer_code
        WHERE s.due_given = 0 AND s.target_id IS NULL AND s.kind <> 'payment'
        """
    )
    mapping = []
    for issue_date, kind, days in combos:
        if isinstance(issue_date, str):
            issue_date = dt.date.fromisoformat(issue_date)
        use_kind = kind or company.default_terms_kind
        use_days = company.default_terms_days if days is None else days
        try:
            due = due_date_for(issue_date, kind=use_kind, days=use_days)
        except ValueError:
            due = due_date_for(
                issue_date, kind=company.default_terms_kind, days=company.default_terms_days
            )
        mapping.append((issue_date, kind or "", -1 if days is None else days, due))
    execute("DROP TABLE IF EXISTS encaisse_import_due")
    execute(
        """
        CREATE TEMP TABLE encaisse_import_due (
            issue_date date NOT NULL, terms_kind varchar(16) NOT NULL,
            terms_days integer NOT NULL, due_date date NOT NULL,
            PRIMARY KEY (issue_date, terms_kind, terms_days)
        )
        """
    )
    if mapping:
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO encaisse_import_due VALUES (%s, %s, %s, %s)", mapping)


# A matched invoice is updated when the input says something else than the ledger. Fields the
# input leaves empty (label, reference; the due date of a FEC) keep what the ledger holds.
INVOICE_DIFFERS = """
    i.customer_id <> c.id OR i.issue_date <> s.issue_date
    OR (s.due_given = 1 AND i.due_date <> s.due_date)
    OR ROUND(i.amount * 100) <> s.amount OR ROUND(i.open_amount * 100) <> s.open_amount
    OR i.currency <> s.currency
    OR (s.label <> '' AND i.label <> s.label)
    OR (s.reference <> '' AND i.reference <> s.reference)
    OR i.status <> (CASE WHEN s.open_amount = 0 THEN 'settled' ELSE 'open' END)
"""


def _classify() -> None:
    """Matched rows: update or same (the others keep the default, new)."""
    execute(
        f"""
        UPDATE encaisse_import_stage AS s
        SET action = CASE WHEN ({INVOICE_DIFFERS}) THEN 'update' ELSE 'same' END
        FROM receivables_invoice AS i, customers_customer AS c
        WHERE s.kind IN ('invoice', 'credit_note') AND i.id = s.target_id
          AND c.code = s.customer_code
        """  # noqa: S608 - a constant fragment, no input
    )
    execute(
        """
        UPDATE encaisse_import_stage AS s
        SET action = CASE WHEN (
            p.received_on <> s.issue_date OR ROUND(p.amount * 100) <> s.amount
            OR ROUND(p.unallocated_amount * 100) <> s.open_amount OR p.currency <> s.currency
        ) THEN 'update' ELSE 'same' END
        FROM receivables_payment AS p
        WHERE s.kind = 'payment' AND p.id = s.target_id
        """
    )


def _count(result: ApplyResult, *, kinds: dict[str, int], matched: int) -> None:
    """The counts by kind and action: the rows of each kind (``kinds``) less the matched ones
    are new; the matched ones are read back by the target index."""
    names = {
        ("invoice", "new"): "invoices_created",
        ("invoice", "update"): "invoices_updated",
        ("invoice", "same"): "invoices_unchanged",
        ("payment", "new"): "payments_created",
        ("payment", "update"): "payments_updated",
    }
    rows = []
    if matched:
        rows = fetch(
            "SELECT kind, action, COUNT(*) FROM encaisse_import_stage"
            " WHERE target_id IS NOT NULL GROUP BY kind, action"
        )
    new = dict(kinds)
    for kind, _action, count in rows:
        new[kind] = new.get(kind, 0) - count
    for kind, action, count in [*rows, *((kind, "new", n) for kind, n in new.items())]:
        name = names.get(("payment" if kind == "payment" else "invoice", action))
        if name:
            setattr(result, name, getattr(result, name) + count)


def _write_invoices(db: _Params, *, created: int, updated: int) -> None:
    if created:  # a re-import inserts nothing: no pass over the staging rows
        with sqlite_indexes_rebuilt("receivables_invoice", new_rows=created):
            execute(
                """
                INSERT INTO receivables_invoice (
                    customer_id, kind, number, issue_date, due_date, amount, open_amount,
                    currency, status, settled_on, reference, label, source, import_batch_id,
                    created_at, updated_at
                )
                SELECT c.id, s.kind, s.number, s.issue_date, COALESCE(s.due_date, m.due_date),
                       s.amount / 100.0,
                       s.open_amount / 100.0, s.currency,
                       CASE WHEN s.open_amount = 0 THEN %s ELSE %s END,
                       CASE WHEN s.open_amount = 0 THEN %s ELSE NULL END,
                       s.reference, s.label, %s, %s, %s, %s
                FROM encaisse_import_stage AS s
                JOIN customers_customer AS c ON c.code = s.customer_code
                LEFT JOIN encaisse_import_due AS m ON s.due_given = 0
                    AND m.issue_date = s.issue_date AND m.terms_kind = c.terms_kind
                    AND m.terms_days = COALESCE(c.terms_days, -1)
                WHERE s.action = 'new' AND s.kind IN ('invoice', 'credit_note')
                ORDER BY s.kind, s.number
                """,
                [
                    InvoiceStatus.SETTLED,
                    InvoiceStatus.OPEN,
                    _date(db.as_of),
                    db.source,
                    db.batch_id,
                    _datetime(db.now),
                    _datetime(db.now),
                ],
            )
    execute("DROP TABLE encaisse_import_due")
    if not updated:
        return
    execute(
        """
        UPDATE receivables_invoice SET
            customer_id = c.id,
            issue_date = s.issue_date,
            due_date = CASE WHEN s.due_given = 1 THEN s.due_date
                            ELSE receivables_invoice.due_date END,
            amount = s.amount / 100.0,
            open_amount = s.open_amount / 100.0,
            currency = s.currency,
            label = CASE WHEN s.label <> '' THEN s.label ELSE receivables_invoice.label END,
            reference = CASE WHEN s.reference <> '' THEN s.reference
                             ELSE receivables_invoice.reference END,
            status = CASE WHEN s.open_amount = 0 THEN %s ELSE %s END,
            settled_on = CASE WHEN s.open_amount = 0
                              THEN COALESCE(receivables_invoice.settled_on, %s) ELSE NULL END,
            import_batch_id = %s,
            updated_at = %s
        FROM encaisse_import_stage AS s, customers_customer AS c
        WHERE s.target_id = receivables_invoice.id AND s.action = 'update'
          AND s.kind IN ('invoice', 'credit_note') AND c.code = s.customer_code
        """,
        [
            InvoiceStatus.SETTLED,
            InvoiceStatus.OPEN,
            _date(db.as_of),
            db.batch_id,
            _datetime(db.now),
        ],
    )


def _write_payments(db: _Params, *, created: int, updated: int) -> None:
    if created:
        execute(
            """
            INSERT INTO receivables_payment (
                customer_id, reference, received_on, amount, unallocated_amount, currency, method,
                source, import_batch_id, created_at
            )
            SELECT c.id, s.number, s.issue_date, s.amount / 100.0, s.open_amount / 100.0,
                   s.currency, '',
                   %s, %s, %s
            FROM encaisse_import_stage AS s JOIN customers_customer AS c ON c.code = s.customer_code
            WHERE s.action = 'new' AND s.kind = 'payment'
            ORDER BY s.line
            """,
            [db.source, db.batch_id, _datetime(db.now)],
        )
    if not updated:
        return
    execute(
        """
        UPDATE receivables_payment SET
            received_on = s.issue_date,
            amount = s.amount / 100.0,
            unallocated_amount = s.open_amount / 100.0,
            currency = s.currency,
            import_batch_id = %s
        FROM encaisse_import_stage AS s
        WHERE s.target_id = receivables_payment.id AND s.action = 'update'
          AND s.kind = 'payment'
        """,
        [db.batch_id],
    )


# Snapshot settlement: the open documents file imports brought in, less the staging rows'
# targets. On PostgreSQL a set difference (EXCEPT), which reads both sides once whatever the
# planner believes: written as NOT EXISTS, it planned a nested loop that scanned the staging
# table once per open invoice when the ledger had no statistics yet (just filled, autovacuum not
# yet by), 400 s instead of 0.15 s for a re-import of 100k invoices (docs/benchmarks.md).
# SQLite keeps NOT EXISTS: it probes the staging table's target index, twice as fast as EXCEPT.
SETTLE_SET = {
    "invoice": """
        SET status = %s, open_amount = 0, settled_on = %s, import_batch_id = %s, updated_at = %s
    """,
    "payment": "SET unallocated_amount = 0, import_batch_id = %s",
}
SETTLE_OPEN = {
    "invoice": "status = %s AND source IN (%s, %s, %s)",
    "payment": "unallocated_amount > 0 AND source IN (%s, %s, %s)",
}
SETTLE_KINDS = {"invoice": "('invoice', 'credit_note')", "payment": "('payment')"}


def _settle_sql(table: str, what: str, *, matched: int) -> str:
    kinds = SETTLE_KINDS[what]
    if not matched:  # no row points at one of them: every open one is settled
        return f"UPDATE {table} {SETTLE_SET[what]} WHERE {SETTLE_OPEN[what]}"  # noqa: S608
    if connection.vendor == "postgresql":
        return f"""
            UPDATE {table} {SETTLE_SET[what]}
            FROM (
                SELECT id FROM {table} WHERE {SETTLE_OPEN[what]}
                EXCEPT
                SELECT target_id FROM encaisse_import_stage
                WHERE kind IN {kinds} AND target_id IS NOT NULL
            ) AS gone
            WHERE {table}.id = gone.id
        """  # noqa: S608 - constant fragments, no input
    return f"""
        UPDATE {table} {SETTLE_SET[what]}
        WHERE {SETTLE_OPEN[what]}
          AND NOT EXISTS (
              SELECT 1 FROM encaisse_import_stage AS s
              WHERE s.target_id = {table}.id AND s.kind IN {kinds}
          )
    """  # noqa: S608 - constant fragments, no input


def _settle_missing(db: _Params, matched: dict[str, int]) -> tuple[int, int]:
    """Snapshot: what file imports brought in and this file no longer lists is no longer open."""
    sources = list(FILE_SOURCES)
    invoices = execute(
        _settle_sql("receivables_invoice", "invoice", matched=matched["invoice"]),
        [
            InvoiceStatus.SETTLED,
            _date(db.as_of),
            db.batch_id,
            _datetime(db.now),
            InvoiceStatus.OPEN,
            *sources,
        ],
    )
    payments = execute(
        _settle_sql("receivables_payment", "payment", matched=matched["payment"]),
        [db.batch_id, *sources],
    )
    return invoices, payments


def _refresh_balances(codes: list[str], *, everyone: bool) -> None:
    """Stored balances are as of today whatever the import's as-of date: they feed the lists."""
    if everyone or len(codes) > REFRESH_ALL_ABOVE:
        customer_balances_refresh()
    elif codes:
        ids = list(Customer.objects.filter(code__in=codes).values_list("pk", flat=True))
        customer_balances_refresh(customer_ids=ids)


def _date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _datetime(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)
