from django.db import migrations

DEPARTMENTS = [
    ("sales", "Commercial"),
    ("billing", "Facturation"),
    ("logistics", "Logistique"),
    ("technical", "Technique"),
    ("quality", "Qualité"),
    ("administration", "Administration des ventes"),
]


def create(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
