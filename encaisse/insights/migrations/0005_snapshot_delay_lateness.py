from django.db import migrations, models


def forget_snapshots(apps, schema_editor):
    """Snapshots built before this migration have no lateness sums: readers compute live
    until the worker's next build (every 10 minutes)."""
    apps.get_model("insights", "SnapshotState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_snapshot_forecast_position"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshotdelay",
            name="late_amount",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="snapshotdelay",
            name="late_weighted",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(forget_snapshots, migrations.RunPython.noop),
    ]
