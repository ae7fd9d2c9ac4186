"""Disputes 0008: ``Dispute.ready_to_close`` stored, and kept by database triggers.

"Ready to close" (``selectors.ready_to_close``) is: active, and no line whose invoice is still
open and whose disputed amount the credit notes allocated to that invoice since the dispute was
registered do not reach. Testing it per read cost the worklist's "ready to close" filter a
probe into the million invoices for each of the 30,000 active disputes (270 ms of PostgreSQL
CPU, docs/benchmarks.md). It changes when a dispute is registered or changes status, when its
lines change, when an invoice's open amount crosses zero and when a credit note is allocated
(or an allocation removed): services, imports' set-based UPDATEs and SQL by hand all write
those, so the database keeps the flag, with the same condition, in triggers on the four tables.

A SQLite table remade by a later migration (``_remake_table``) loses its triggers: such a
migration must create them again (``TRIGGERS_SQLITE``); the tests of the flag fail otherwise."""

from django.db import migrations, models

ACTIVE = "('new', 'qualified', 'in_progress', 'waiting_customer', 'solution_proposed')"

# The condition of ``selectors.ready_to_close`` over the row of ``disputes_dispute`` being
# updated; the same casts as the ORM's, so that SQLite compares the same values.
READY = f"""
    disputes_dispute.status IN {ACTIVE}
    AND NOT EXISTS (
        SELECT 1 FROM disputes_disputedinvoice AS line
        JOIN receivables_invoice AS invoice ON invoice.id = line.invoice_id
        WHERE line.dispute_id = disputes_dispute.id
          AND invoice.open_amount > 0
          AND CAST(COALESCE((
                SELECT CAST(SUM(allocation.amount) AS NUMERIC)
                FROM receivables_allocation AS allocation
                WHERE allocation.invoice_id = line.invoice_id
                  AND allocation.credit_note_id IS NOT NULL
                  AND allocation.created_at >= disputes_dispute.created_at
              ), CAST(0 AS NUMERIC)) AS NUMERIC) < line.disputed_amount
    )"""

FILL = f"UPDATE disputes_dispute SET ready_to_close = ({READY}) WHERE status IN {ACTIVE}"

# The refresh writes only the disputes whose flag changes: on PostgreSQL a written row is a new
# row version in every index of the disputes (the flag is indexed), so a refresh that changes
# nothing (a payment allocated to a disputed invoice that stays open) writes nothing.
REFRESH = (
    "UPDATE disputes_dispute SET ready_to_close = NOT ready_to_close "
    f"WHERE disputes_dispute.id IN ({{ids}}) AND ready_to_close <> ({READY})"
)


def _lines_of(invoice: str) -> str:
    return f"SELECT dispute_id FROM disputes_disputedinvoice WHERE invoice_id IN ({invoice})"


# SQLite: one trigger per table and event: (name, event, WHEN clause, the disputes to refresh).
TRIGGERS_SQLITE = [
    ("disputes_ready_dispute_insert", "AFTER INSERT ON disputes_dispute", "", "NEW.id"),
    (
        "disputes_ready_dispute_update",
        "AFTER UPDATE OF status, created_at ON disputes_dispute",
        "",
        "NEW.id",
    ),
    (
        "disputes_ready_line_insert",
        "AFTER INSERT ON disputes_disputedinvoice",
        "",
        "NEW.dispute_id",
    ),
    (
        "disputes_ready_line_delete",
        "AFTER DELETE ON disputes_disputedinvoice",
        "",
        "OLD.dispute_id",
    ),
    (
        "disputes_ready_line_update",
        "AFTER UPDATE ON disputes_disputedinvoice",
        "",
        "OLD.dispute_id, NEW.dispute_id",
    ),
    (
        "disputes_ready_invoice_update",
        "AFTER UPDATE OF open_amount ON receivables_invoice",
        "WHEN (OLD.open_amount > 0) <> (NEW.open_amount > 0) AND EXISTS "
        "(SELECT 1 FROM disputes_disputedinvoice WHERE invoice_id = NEW.id)",
        _lines_of("NEW.id"),
    ),
    (
        "disputes_ready_allocation_insert",
        "AFTER INSERT ON receivables_allocation",
        "WHEN NEW.credit_note_id IS NOT NULL",
        _lines_of("NEW.invoice_id"),
    ),
    (
        "disputes_ready_allocation_delete",
        "AFTER DELETE ON receivables_allocation",
        "WHEN OLD.credit_note_id IS NOT NULL",
        _lines_of("OLD.invoice_id"),
    ),
    (
        "disputes_ready_allocation_update",
        "AFTER UPDATE ON receivables_allocation",
        "WHEN OLD.credit_note_id IS NOT NULL OR NEW.credit_note_id IS NOT NULL",
        _lines_of("OLD.invoice_id, NEW.invoice_id"),
    ),
]

# PostgreSQL: one function, the disputes to refresh chosen by table and operation.
FUNCTION_POSTGRESQL = f"""
CREATE FUNCTION disputes_ready_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'disputes_dispute' THEN
        ids := ARRAY[NEW.id];
    ELSIF TG_TABLE_NAME = 'disputes_disputedinvoice' THEN
        IF TG_OP = 'INSERT' THEN
            ids := ARRAY[NEW.dispute_id];
        ELSIF TG_OP = 'DELETE' THEN
            ids := ARRAY[OLD.dispute_id];
        ELSE
            ids := ARRAY[OLD.dispute_id, NEW.dispute_id];
        END IF;
    ELSIF TG_TABLE_NAME = 'receivables_invoice' THEN
        ids := ARRAY({_lines_of("NEW.id")});
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY({_lines_of("NEW.invoice_id")});
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY({_lines_of("OLD.invoice_id")});
    ELSE
        ids := ARRAY({_lines_of("OLD.invoice_id, NEW.invoice_id")});
    END IF;
    IF cardinality(ids) = 0 THEN  -- an invoice or allocation outside every dispute
        RETURN NULL;
    END IF;
    {REFRESH.format(ids="SELECT unnest(ids)")};
    RETURN NULL;
END
$$"""

TRIGGERS_POSTGRESQL = [
    (
        "disputes_ready_dispute",
        "AFTER INSERT OR UPDATE OF status, created_at",
        "disputes_dispute",
        "",
    ),
    ("disputes_ready_line", "AFTER INSERT OR UPDATE OR DELETE", "disputes_disputedinvoice", ""),
    (
        "disputes_ready_invoice",
        "AFTER UPDATE OF open_amount",
        "receivables_invoice",
        "WHEN ((OLD.open_amount > 0) <> (NEW.open_amount > 0))",
    ),
    (
        "disputes_ready_allocation_insert",
        "AFTER INSERT",
        "receivables_allocation",
        "WHEN (NEW.credit_note_id IS NOT NULL)",
    ),
    (
        "disputes_ready_allocation_delete",
        "AFTER DELETE",
        "receivables_allocation",
        "WHEN (OLD.credit_note_id IS NOT NULL)",
    ),
    (
        "disputes_ready_allocation_update",
        "AFTER UPDATE",
        "receivables_allocation",
        "WHEN (OLD.credit_note_id IS NOT NULL OR NEW.credit_note_id IS NOT NULL)",
    ),
]


def triggers_create(apps, schema_editor):
    """Fill the flag of the active disputes, then keep it by triggers."""
    execute = schema_editor.execute
    execute(FILL)
    if schema_editor.connection.vendor == "postgresql":
        execute(FUNCTION_POSTGRESQL)
        for name, event, table, when in TRIGGERS_POSTGRESQL:
            execute(
                f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW {when} "
                "EXECUTE FUNCTION disputes_ready_refresh()"
            )
        return
    for name, event, when, ids in TRIGGERS_SQLITE:
        execute(
            f"CREATE TRIGGER {name} {event} FOR EACH ROW {when} BEGIN "
            f"{REFRESH.format(ids=ids)}; END"
        )


def triggers_drop(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for name, _event, table, _when in TRIGGERS_POSTGRESQL:
            execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute("DROP FUNCTION IF EXISTS disputes_ready_refresh()")
        return
    for name, *_rest in TRIGGERS_SQLITE:
        execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0007_stats_cover_index"),
        ("receivables", "0003_drop_redundant_invoice_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="ready_to_close",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="ready to close"
            ),
        ),
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                fields=["ready_to_close", "target_date", "id"], name="dispute_ready_idx"
            ),
        ),
        # After the index: PostgreSQL refuses to build one on a table with rows updated in
        # the same transaction (pending foreign key trigger events).
        migrations.RunPython(triggers_create, triggers_drop),
    ]
