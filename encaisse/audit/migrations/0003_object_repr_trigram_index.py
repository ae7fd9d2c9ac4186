"""On PostgreSQL, a trigram index for the audit log's free-text filter on the object's name.

``object_repr__icontains`` compiles to ``UPPER("object_repr"::text) LIKE UPPER('%...%')``; a GIN
trigram index on that very expression answers it without reading millions of rows. pg_trgm is a
trusted extension (PostgreSQL 13+): the database owner may create it. Where it cannot be
created, the filter still works, by scanning. SQLite has no such index: it scans."""

from django.db import migrations, transaction

INDEX = "audit_repr_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - no privilege: keep the scan, say why
        print(f"\n  audit: no pg_trgm ({error}); the log's text filter will scan.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON audit_auditentry "
        "USING gin ((UPPER(object_repr::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_log_filter_indexes")]

    operations = [migrations.RunPython(create, drop)]
