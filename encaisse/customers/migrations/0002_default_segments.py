from django.db import migrations

SEGMENTS = [
    ("key-accounts", "Grands comptes"),
    ("sme", "PME"),
    ("public", "Secteur public"),
    ("retail", "Commerce de détail"),
]


def create(apps, schema_editor):
    Segment = apps.get_model("customers", "Segment")
    for code, name in SEGMENTS:
        Segment.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
