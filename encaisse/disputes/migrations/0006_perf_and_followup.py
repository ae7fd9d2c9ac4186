"""Disputes 0006: the follow-up withdrawn when a dispute is reopened before it went out; the
stored local date of resolution and days to resolve (read by the statistics), filled for the
disputes already resolved; the statistics' covering index."""

from django.db import migrations, models
from django.db.models import Max, Min


def resolution_columns_fill(apps, schema_editor):
    """Set ``resolved_on`` and ``resolution_days`` of the disputes resolved before this
    migration, in two set-based UPDATEs (the same conversion the statistics made per read)."""
    from encaisse.disputes.abuse.features import DaysBetween
    from encaisse.disputes.statistics.local_date import LocalDate

    Dispute = apps.get_model("disputes", "Dispute")
    resolved = Dispute.objects.using(schema_editor.connection.alias).filter(
        resolved_at__isnull=False
    )
    span = resolved.aggregate(start=Min("resolved_at"), end=Max("resolved_at"))
    if span["start"] is None:
        return
    resolved.update(resolved_on=LocalDate("resolved_at", start=span["start"], end=span["end"]))
    resolved.update(resolution_days=DaysBetween(models.F("resolved_on"), models.F("raised_on")))


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0005_preventive"),
    ]

    operations = [
        migrations.AddField(
            model_name="satisfaction",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
        ),
        migrations.AddField(
            model_name="dispute",
            name="resolved_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="resolved on"
            ),
        ),
        migrations.AddField(
            model_name="dispute",
            name="resolution_days",
            field=models.IntegerField(
                blank=True, editable=False, null=True, verbose_name="days to resolve"
            ),
        ),
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", False), ("resolved_on__isnull", True)),
                fields=["resolved_at"],
                name="dispute_unstored_resolved_idx",
            ),
        ),
        # After the index: PostgreSQL refuses to build one on a table with rows updated in
        # the same transaction (pending foreign key trigger events).
        migrations.RunPython(resolution_columns_fill, migrations.RunPython.noop, elidable=True),
    ]
