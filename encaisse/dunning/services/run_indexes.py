"""The indexes of the run's bulk tables, set aside while a large run writes them.

A first run (a ledger never dunned: every open invoice catches up with its step at once) or a
catch-up after importing a new ledger writes as many rows as the action, line and state tables
already hold, or more: 351k actions, 822k lines and 822k states at 1M open invoices. For rows
that come in an index's order, building the index from the finished table (one sorted pass,
pages written in order) costs less than inserting each row into it: on PostgreSQL at 100k,
the action insert writes 286k WAL records with its indexes and 71k without. So, from
``SET_ASIDE_MIN_ROWS`` lines to write, when the line table does not already hold more rows
than the run adds, the run drops those indexes inside its transaction, writes, and creates
them again with the same definitions before anything else reads the table (Django's SQL for
those declared in the models, the database's catalogue for the others). Both databases have
transactional DDL: a run that fails or a dry run rolls back to the indexes as they were, and
the uniqueness an index enforces is checked when it is built again (a duplicate fails the
run, as it would have failed the insert).

The cost is a lock: dropping an index locks its table exclusively (PostgreSQL's ACCESS
EXCLUSIVE) until the run commits, so pages reading actions wait for it (seconds, once, at
installation or after importing a new ledger). An ordinary day writes a few percent of the
table and keeps its indexes. Kept on the table even then: ``KEPT_IN_PLACE`` (cheaper to fill
than to build), the primary key of a table that other tables' foreign keys reference
(actions), and, on SQLite, the indexes declared in the table itself (primary keys and unique
constraints), which SQLite cannot drop."""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.db.models import UniqueConstraint

# Below this many rows to write, a run keeps the indexes whatever the table's size.
SET_ASIDE_MIN_ROWS = 20_000
# Rows the table may already hold per row the run writes for its indexes to be set aside: 1
# means the run at least doubles the table (a rebuild then costs a fraction of the inserts).
SET_ASIDE_EXISTING_PER_NEW = 1

# Kept in place all the same: the rows do not come in their order (actions come in customer
# order) and their keys have few values (status, assignee), so building them sorts every row
# on near-equal keys, which costs more than inserting into them (PostgreSQL, 351k actions,
# server CPU s to build against to fill row by row: the status index 0.70 against 0.42, the
# done index 0.35 against 0.24, the assignee's 0.34 against 0.16, the worklist's 0.24 against
# 0.22). The promise index is partial and gets no entry from the run: dropping it would cost
# a scan of the table for nothing.
KEPT_IN_PLACE = frozenset(
    {
        "action_status_idx",
        "action_done_idx",
        "action_todo_idx",
        "action_promise_idx",
        "dunning_action_assigned_to_id_91a2f98d",
    }
)

# PostgreSQL: the indexes of a table, with the constraint each backs (primary key, unique),
# except those a foreign key of another table depends on.
POSTGRES_INDEXES = """
SELECT ic.relname, pg_get_indexdef(i.indexrelid), con.conname, pg_get_constraintdef(con.oid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
    AND con.contype IN ('p', 'u')
WHERE i.indrelid = CAST(%s AS regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint fk
                  WHERE fk.contype = 'f' AND fk.conindid = i.indexrelid)
ORDER BY ic.relname
"""

# SQLite: the indexes created by CREATE INDEX (those declared in CREATE TABLE have no SQL).
SQLITE_INDEXES = """
SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL
ORDER BY name
"""


def sets_aside(cursor, *, lines: int) -> bool:
    """Whether a run writing ``lines`` action lines is large enough to set the indexes of the
    action, line and state tables aside (decided once, on the lines: the largest table, with
    one row per invoice reaching a step; an action groups lines, a state follows a line). The
    table's rows are counted up to the limit that matters, so an ordinary day reads no more of
    it than it writes."""
    if lines < SET_ASIDE_MIN_ROWS:
        return False
    limit = lines * SET_ASIDE_EXISTING_PER_NEW
    cursor.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM dunning_actioninvoice LIMIT %s) t", [limit + 1]
    )
    return cursor.fetchone()[0] <= limit


@contextmanager
def indexes_set_aside(cursor, *, vendor: str, table: str, active: bool):
    """Drop ``table``'s indexes for the statements in the block when ``active`` (see
    ``sets_aside``), then create them again as they were. ``table`` is one of the run's own
    table names (never user input)."""
    if not active:
        yield
        return
    if vendor == "postgresql":
        drops, creates = _postgres(cursor, table)
    else:
        drops, creates = _sqlite(cursor, table)
    for statement in drops:
        cursor.execute(statement)
    yield
    for statement in creates:
        cursor.execute(statement)


def _postgres(cursor, table: str) -> tuple[list[str], list[str]]:
    # One lock for the table up front, rather than one per dropped index.
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    # The builds sort in memory, in this backend only (no parallel workers: one run at a time
    # on a shared server, and the time stays the run's own).
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute("SET LOCAL max_parallel_maintenance_workers = 0")
    cursor.execute(POSTGRES_INDEXES, [table])
    declared = _declared(table)
    drops, creates = [], []
    for name, definition, constraint, constraint_definition in cursor.fetchall():
        if name in KEPT_IN_PLACE:
            continue
        if constraint:
            drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            definition = (
                f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_definition}'
            )
        else:
            drops.append(f'DROP INDEX "{name}"')
        creates.append(declared.get(name, definition))
    return drops, creates


def _declared(table: str) -> dict[str, str]:
    """The SQL Django's migrations ran for the indexes and unique constraints declared in the
    model's Meta, by name. Preferred to PostgreSQL's own definition, which prints a condition
    as it holds it (``status IN ('planned', ...)`` comes back as ``status::text = ANY
    (ARRAY[...]::text[])``, and is then stored differently, equal in meaning only)."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    sql = {}
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for index in model._meta.indexes:
            sql[index.name] = str(index.create_sql(model, editor))
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                sql[constraint.name] = str(constraint.create_sql(model, editor))
    return sql


def _sqlite(cursor, table: str) -> tuple[list[str], list[str]]:
    cursor.execute(SQLITE_INDEXES, [table])
    rows = [(name, sql) for name, sql in cursor.fetchall() if name not in KEPT_IN_PLACE]
    return [f'DROP INDEX "{name}"' for name, _sql in rows], [sql for _name, sql in rows]
