"""Two indexes of receivables_invoice that no read needs, and that every imported invoice paid
for (docs/benchmarks.md, "Imports"): the foreign key's own index on customer_id, whose work
invoice_customer_idx (customer, status, due date) already does, and invoice_open_due_idx (due
date, customer; open invoices), whose scans invoice_status_due_idx (status, due date, id) serves.

The foreign key's index is dropped by name rather than by AlterField, which SQLite would carry
out by copying the whole table."""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "receivables_invoice_customer_id_1c3bd00a"


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_default_segments"),
        ("receivables", "0002_invoice_open_cover_idx"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="invoice",
            name="invoice_open_due_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="invoice",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="customers.customer",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{FK_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{FK_INDEX}" ON "receivables_invoice" ("customer_id")'
                    ),
                ),
            ],
        ),
    ]
