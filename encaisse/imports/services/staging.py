"""The staging table: a temporary table the importer streams records into before applying them.

Why a table and not Python dictionaries: a million invoices held as Python objects would cost
more memory than the import may use (500 MB at a million lines), and comparing them row by row
in Python would be slow. Loaded into a temporary table, the records are matched, compared,
inserted, updated and settled by a few set-based statements that run inside the database, on
SQLite (3.33+, for ``UPDATE ... FROM``) and PostgreSQL alike.

The table lives on the importer's connection only (``TEMP``) and inside its transaction: a
rolled-back import (a dry run, a refused file) leaves nothing behind.

Columns: ``amount`` and ``open_amount`` are whole cents (integers: no Decimal per row on the
way in, exact sums on the way out), signed as the ledger stores them (credit notes negative;
payments positive, ``open_amount`` being the unallocated cash). The statements write them as
``amount / 100.0`` (exact on PostgreSQL, whose numeric column rounds nothing away; on SQLite the
REAL a decimal column holds) and compare ledger amounts as ``ROUND(amount * 100)``.
Dates are ISO text. ``due_given`` says
whether the file gave the due date (a FEC does not). ``target_id`` is the matching invoice or
payment once matched, and ``action`` what the import does with the row: new (the default, so
that a first import, where nothing matches, rewrites no row), update or same.
"""

from contextlib import contextmanager
from itertools import islice

from django.db import connection

STAGE = "encaisse_import_stage"
LOAD_CHUNK = 5000

COLUMNS = (
    "line",
    "customer_code",
    "kind",
    "number",
    "issue_date",
    "due_date",
    "due_given",
    "amount",
    "open_amount",
    "currency",
    "label",
    "reference",
)

COPY_SQL = """COPY encaisse_import_stage (line, customer_code, kind, number, issue_date,
    due_date, due_given, amount, open_amount, currency, label, reference) FROM STDIN"""
INSERT_SQL = """INSERT INTO encaisse_import_stage (line, customer_code, kind, number, issue_date,
    due_date, due_given, amount, open_amount, currency, label, reference)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""

CREATE_SQL = """
CREATE TEMP TABLE encaisse_import_stage (
    line bigint NOT NULL,
    customer_code varchar(64) NOT NULL,
    kind varchar(16) NOT NULL,
    number varchar(100) NOT NULL,
    issue_date date NOT NULL,
    due_date date NULL,
    due_given integer NOT NULL,
    amount bigint NOT NULL,
    open_amount bigint NOT NULL,
    currency varchar(3) NOT NULL,
    label varchar(255) NOT NULL,
    reference varchar(100) NOT NULL,
    target_id bigint NULL,
    action varchar(8) NOT NULL DEFAULT 'new'
)
"""

# Customers are found by code through customers_customer's unique index, as each statement
# needs them: cheaper than rewriting a million staging rows with a customer id.
INDEX_SQL = (
    "CREATE INDEX encaisse_import_stage_key ON encaisse_import_stage (kind, number, line)",
)
CODES_SQL = """
CREATE TEMP TABLE encaisse_import_code (code varchar(64) NOT NULL PRIMARY KEY)
"""
TARGET_INDEX_SQL = (
    "CREATE INDEX encaisse_import_stage_target ON encaisse_import_stage (target_id, kind)"
)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def stage_create() -> None:
    """Create the empty staging table (dropping one a previous import left on this connection)."""
    stage_drop()
    with connection.cursor() as cursor:
        cursor.execute(CREATE_SQL)


def stage_codes(codes: list[str]) -> None:
    """The customer codes of the staging table, in a small table of their own (a few thousand
    rows where the staging table has a million) for the statements that go by customer."""
    with connection.cursor() as cursor:
        cursor.execute(CODES_SQL)
        cursor.executemany(
            "INSERT INTO encaisse_import_code (code) VALUES (%s)", [(code,) for code in codes]
        )


def stage_load(rows) -> int:
    """Stream ``rows`` (tuples in ``COLUMNS`` order) into the staging table; returns the count.

    PostgreSQL gets them through COPY; SQLite through ``executemany`` in chunks, which its
    driver runs without building a statement per row. Then the table is indexed (after the
    load, which is cheaper than maintaining the indexes row by row)."""
    count = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            with cursor.cursor.copy(COPY_SQL) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            rows = iter(rows)
            while chunk := list(islice(rows, LOAD_CHUNK)):
                cursor.executemany(INSERT_SQL, chunk)
                count += len(chunk)
        for sql in INDEX_SQL:
            cursor.execute(sql)
        if is_postgresql():
            # Temporary tables are never analysed by autovacuum; the planner needs the counts.
            cursor.execute("ANALYZE encaisse_import_stage")
    return count


def stage_index_targets() -> None:
    with connection.cursor() as cursor:
        cursor.execute(TARGET_INDEX_SQL)
        if is_postgresql():
            cursor.execute("ANALYZE encaisse_import_stage")


def stage_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS encaisse_import_stage")
        cursor.execute("DROP TABLE IF EXISTS encaisse_import_code")
        cursor.execute("DROP TABLE IF EXISTS encaisse_import_due")


def execute(sql: str, params=()) -> int:
    """Run one statement on the staging table or the ledger; returns the rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def sqlite_cache(kib: int):
    """Give SQLite a larger page cache while the import runs (the default 2 MB makes index
    maintenance on a million new invoices read the same pages again and again)."""
    if is_postgresql():
        yield
        return
    previous = fetch("PRAGMA cache_size")[0][0]
    execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        execute(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def sqlite_indexes_rebuilt(table: str, *, new_rows: int):
    """Around an insert of ``new_rows`` into ``table``: on SQLite, when they are at least as many
    as the rows already there (a first import), drop the table's non-unique indexes before and
    create them again after. Building an index from the finished table is one sort; keeping it
    up to date costs a B-tree descent per row, in the random order of customers and due dates.
    The unique indexes stay (the insert comes in their order). DDL is transactional in SQLite:
    a rolled-back import (a dry run, a refused file) gets the indexes back as they were."""
    if is_postgresql() or not new_rows:
        yield
        return
    last_id = fetch(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]  # noqa: S608 (our table)
    if new_rows < last_id:
        yield
        return
    indexes = fetch(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
        " AND sql IS NOT NULL AND UPPER(SUBSTR(sql, 1, 13)) <> 'CREATE UNIQUE'",
        [table],
    )
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql, None)  # None: no parameter substitution in the stored SQL
