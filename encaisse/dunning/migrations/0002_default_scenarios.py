"""The scenarios shipped with Encaisse, in French, and the mapping of the default segments.

Steps: (offset in days from the due date, name, channel, template, minimum amount due per
invoice, performer, needs approval, includes penalties)."""

from decimal import Decimal

from django.db import migrations

C, S = "collector", "salesperson"

SCENARIOS = [
    (
        "standard",
        "Standard",
        "Relance progressive : appel de courtoisie avant l'échéance, courriels, lettre, appel, "
        "mise en demeure avec pénalités, transmission au contentieux.",
        True,
        [
            (-10, "Appel de courtoisie", "call", "courtesy-call", "1000", C, False, False),
            (-3, "Rappel avant échéance", "email", "reminder-before-due", "0", C, False, False),
            (5, "Première relance", "email", "first-reminder", "0", C, False, False),
            (15, "Lettre de relance", "letter", "reminder-letter", "0", C, False, False),
            (25, "Appel de relance", "call", "follow-up-call", "0", C, False, False),
            (35, "Mise en demeure", "formal_notice", "formal-notice", "150", C, True, True),
            (50, "Transmission au contentieux", "internal_task", "legal-handover", "1000", C,
             True, False),
        ],
    ),
    (
        "grands-comptes",
        "Grands comptes",
        "Appels d'abord, par le commercial puis par le chargé de recouvrement ; l'écrit vient "
        "ensuite.",
        False,
        [
            (-10, "Appel de courtoisie", "call", "courtesy-call", "0", S, False, False),
            (3, "Appel de relance", "call", "follow-up-call", "0", C, False, False),
            (10, "Relance écrite", "email", "first-reminder", "0", C, False, False),
            (20, "Appel du commercial", "call", "follow-up-call", "0", S, False, False),
            (30, "Lettre de relance", "letter", "reminder-letter", "0", C, False, False),
            (45, "Mise en demeure", "formal_notice", "formal-notice", "150", C, True, True),
            (60, "Transmission au contentieux", "internal_task", "legal-handover", "1000", C,
             True, False),
        ],
    ),
    (
        "secteur-public",
        "Secteur public",
        "Lettres et délais plus longs (circuit de mandatement). Les acheteurs publics doivent "
        "des intérêts moratoires (code de la commande publique), pas les pénalités L441-10.",
        False,
        [
            (10, "Lettre de rappel", "letter", "reminder-letter", "0", C, False, False),
            (30, "Deuxième lettre", "letter", "second-reminder-letter", "0", C, False, False),
            (50, "Appel au service ordonnateur", "call", "follow-up-call", "0", C, False, False),
            (70, "Mise en demeure", "formal_notice", "formal-notice", "150", C, True, False),
            (100, "Transmission au contentieux", "internal_task", "legal-handover", "1000", C,
             True, False),
        ],
    ),
]

SEGMENTS = {
    "key-accounts": "grands-comptes",
    "public": "secteur-public",
    "sme": "standard",
    "retail": "standard",
}


def create(apps, schema_editor):
    Scenario = apps.get_model("dunning", "Scenario")
    Step = apps.get_model("dunning", "Step")
    Segment = apps.get_model("customers", "Segment")
    SegmentScenario = apps.get_model("dunning", "SegmentScenario")
    for code, name, description, is_default, steps in SCENARIOS:
        scenario, created = Scenario.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "is_default": is_default},
        )
        if not created:
            continue
        for offset, step_name, channel, template, minimum, performer, approval, penalties in (
            steps
        ):
            Step.objects.create(
                scenario=scenario,
                offset_days=offset,
                name=step_name,
                channel=channel,
                template_code=template,
                min_amount=Decimal(minimum),
                performer=performer,
                needs_approval=approval,
                include_penalties=penalties,
            )
    for segment_code, scenario_code in SEGMENTS.items():
        segment = Segment.objects.filter(code=segment_code).first()
        if segment is not None:
            SegmentScenario.objects.get_or_create(
                segment=segment, defaults={"scenario": Scenario.objects.get(code=scenario_code)}
            )


class Migration(migrations.Migration):
    dependencies = [("dunning", "0001_initial"), ("customers", "0002_default_segments")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
