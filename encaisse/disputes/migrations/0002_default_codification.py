"""The shipped codification: categories, the classic reason codes A-F (each naming the department
that must act and its target in business days) and a first list of root causes. All of it is
configurable data; labels are in French, the company's language, like the departments."""

from django.db import migrations

CATEGORIES = [
    ("administrative", "Administratif"),
    ("commercial", "Commercial"),
    ("production", "Production"),
    ("logistics", "Logistique"),
    ("quality", "Qualité"),
    ("billing", "Facturation"),
    ("technical", "Technique"),
]

# code, label, category, department, waiting for, target business days
REASON_CODES = [
    ("A1", "Erreur de prix ou de remise", "billing", "billing", "un avoir", 10),
    ("A2", "Facture en double", "billing", "billing", "un avoir", 5),
    ("A3", "Erreur de TVA", "billing", "billing", "un avoir", 5),
    ("B1", "Erreur de livraison", "logistics", "logistics", "le retour des marchandises", 15),
    ("B2", "Marchandise défectueuse", "logistics", "logistics", "le retour des marchandises", 15),
    ("C1", "Accord oral non formalisé", "commercial", "sales", "l'accord du client", 10),
    ("C2", "Geste commercial", "commercial", "sales", "l'accord du client", 10),
    ("D1", "Réparation ou intervention", "technical", "technical", "une réparation", 20),
    ("E1", "Produit ou service non conforme", "quality", "quality", "une analyse qualité", 15),
    ("F1", "Bon de commande manquant", "administrative", "administration", "le bon de commande", 5),
    (
        "F2",
        "Adresse ou entité juridique erronée",
        "administrative",
        "administration",
        "une facture rectifiée",
        5,
    ),
    ("F3", "Facture non reçue", "administrative", "administration", "le renvoi de la facture", 3),
]

ROOT_CAUSES = [
    ("price-master-data", "Tarif ou remise mal paramétré"),
    ("order-entry", "Erreur de saisie de commande"),
    ("billing-error", "Erreur de facturation"),
    ("picking-error", "Erreur de préparation"),
    ("transport-damage", "Avarie de transport"),
    ("product-defect", "Défaut de fabrication"),
    ("service-quality", "Prestation non conforme"),
    ("unclear-terms", "Conditions commerciales imprécises"),
    ("customer-master-data", "Données client erronées"),
    ("invoice-delivery", "Facture non transmise ou mal adressée"),
    ("customer-error", "Erreur ou malentendu du client"),
    ("payment-delay-tactic", "Contestation dilatoire"),
]


def create(apps, schema_editor):
    Category = apps.get_model("disputes", "Category")
    ReasonCode = apps.get_model("disputes", "ReasonCode")
    RootCause = apps.get_model("disputes", "RootCause")
    Department = apps.get_model("accounts", "Department")
    categories = {}
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        categories[code], _created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    departments = {d.code: d for d in Department.objects.all()}
    for code, label, category, department, waiting_for, days in REASON_CODES:
        if department not in departments:
            continue
        ReasonCode.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "category": categories[category],
                "department": departments[department],
                "waiting_for": waiting_for,
                "target_days": days,
            },
        )
    for code, name in ROOT_CAUSES:
        RootCause.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
        ("accounts", "0002_default_departments"),
    ]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
