"""The customer portal: evidence sent by the customer, the customer's events on the timeline,
the satisfaction follow-up; and the email templates of the dispute emails (acknowledgement,
updates, escalation, satisfaction), in French and English, editable like the dunning ones. The
shipped reminder emails get the link to raise a dispute (``{{ dispute_link }}``) when their
text is still the shipped one; an edited template is left as its author wrote it."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


SIGNATURE_FR = "Le service recouvrement\n{{ company.name }}"
SIGNATURE_EN = "Credit control\n{{ company.name }}"
LINES_FR = (
    "{% for line in invoices %}- facture {{ line.number }} : {{ line.disputed_amount|money }} € "
    "contestés\n{% endfor %}"
)
LINES_EN = (
    "{% for line in invoices %}- invoice {{ line.number }}: {{ line.disputed_amount|money }} € "
    "disputed\n{% endfor %}"
)
EXPECTED_FR = (
    "{% if expected_date %}Date de réponse prévue : {{ expected_date|date:'d/m/Y' }}\n{% endif %}"
)
EXPECTED_EN = (
    "{% if expected_date %}Expected answer by: {{ expected_date|date:'Y-m-d' }}\n{% endif %}"
)
PORTAL_FR = (
    "Vous pouvez suivre votre réclamation, nous écrire et nous envoyer des pièces ici :\n"
    "{{ portal_link }}\n"
)
PORTAL_EN = "You can follow your dispute, write to us and send documents here:\n{{ portal_link }}\n"

TEMPLATES = [
    (
        "dispute-acknowledgement",
        {
            "fr": (
                "Litige : accusé de réception",
                "Votre réclamation {{ dispute.number }} est enregistrée – {{ company.name }}",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Nous avons bien enregistré votre réclamation sous le numéro "
                "{{ dispute.number }} :\n\n" + LINES_FR + "\n"
                "Et maintenant ? {{ next_step }}\n" + EXPECTED_FR + "\n"
                "Les montants contestés ne vous seront pas réclamés tant que la réclamation est "
                "en cours.\n\n" + PORTAL_FR + "\nCordialement,\n" + SIGNATURE_FR,
            ),
            "en": (
                "Dispute: acknowledgement",
                "Your dispute {{ dispute.number }} is registered – {{ company.name }}",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "We have registered your dispute under number {{ dispute.number }}:\n\n"
                + LINES_EN
                + "\nWhat happens next? {{ next_step }}\n"
                + EXPECTED_EN
                + "\n"
                "We will not ask you for the disputed amounts while the dispute is open.\n\n"
                + PORTAL_EN
                + "\nKind regards,\n"
                + SIGNATURE_EN,
            ),
        },
    ),
    (
        "dispute-solution-proposed",
        {
            "fr": (
                "Litige : solution proposée",
                "Réclamation {{ dispute.number }} : une solution vous est proposée",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Nous avons étudié votre réclamation {{ dispute.number }} et vous proposons une "
                "solution. {{ next_step }}\n\n" + PORTAL_FR + "\nCordialement,\n" + SIGNATURE_FR,
            ),
            "en": (
                "Dispute: solution proposed",
                "Dispute {{ dispute.number }}: a solution is proposed",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "We have looked into your dispute {{ dispute.number }} and propose a solution. "
                "{{ next_step }}\n\n" + PORTAL_EN + "\nKind regards,\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "dispute-resolved",
        {
            "fr": (
                "Litige : résolu",
                "Réclamation {{ dispute.number }} résolue",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Votre réclamation {{ dispute.number }} est résolue : {{ outcome }}."
                "{% if dispute.credit_note_number %} Avoir n° {{ dispute.credit_note_number }} de "
                "{{ dispute.credit_note_amount|money }} €.{% endif %}\n\n"
                + PORTAL_FR
                + "\nCordialement,\n"
                + SIGNATURE_FR,
            ),
            "en": (
                "Dispute: resolved",
                "Dispute {{ dispute.number }} resolved",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Your dispute {{ dispute.number }} is resolved: {{ outcome }}."
                "{% if dispute.credit_note_number %} Credit note {{ dispute.credit_note_number }} "
                "of {{ dispute.credit_note_amount|money }} €.{% endif %}\n\n"
                + PORTAL_EN
                + "\nKind regards,\n"
                + SIGNATURE_EN,
            ),
        },
    ),
    (
        "dispute-satisfaction",
        {
            "fr": (
                "Litige : votre avis",
                "Réclamation {{ dispute.number }} : votre avis nous intéresse",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Votre réclamation {{ dispute.number }} a été résolue. Êtes-vous satisfait de la "
                "façon dont nous l'avons traitée ? Donnez-nous une note de 1 à 5 et, si vous le "
                "souhaitez, un commentaire (une minute) :\n{{ satisfaction_link }}\n\n"
                "Merci,\n" + SIGNATURE_FR,
            ),
            "en": (
                "Dispute: your opinion",
                "Dispute {{ dispute.number }}: how did we do?",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Your dispute {{ dispute.number }} has been resolved. Are you satisfied with how "
                "we handled it? Give us a rating from 1 to 5 and, if you like, a comment (one "
                "minute):\n{{ satisfaction_link }}\n\nThank you,\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "dispute-escalation",
        {
            "fr": (
                "Litige : escalade",
                "[Escalade] Litige {{ dispute.number }} – {{ customer.name }} – {{ level }}",
                "Bonjour {{ user.first_name|default:user.username }},\n\n"
                "Le litige {{ dispute.number }} de {{ customer.name }} "
                "({{ dispute.disputed_total|money }} € contestés) demande votre attention : "
                "{{ level }}.\n"
                "{% if expected_date %}Date cible : {{ expected_date|date:'d/m/Y' }}\n{% endif %}"
                "Statut : {{ dispute.get_status_display }}\n"
                "{% if dispute_url %}\n{{ dispute_url }}\n{% endif %}\nEncaisse",
            ),
            "en": (
                "Dispute: escalation",
                "[Escalation] Dispute {{ dispute.number }} – {{ customer.name }} – {{ level }}",
                "Hello {{ user.first_name|default:user.username }},\n\n"
                "Dispute {{ dispute.number }} of {{ customer.name }} "
                "({{ dispute.disputed_total|money }} € disputed) needs your attention: "
                "{{ level }}.\n"
                "{% if expected_date %}Target date: {{ expected_date|date:'Y-m-d' }}\n{% endif %}"
                "Status: {{ dispute.get_status_display }}\n"
                "{% if dispute_url %}\n{{ dispute_url }}\n{% endif %}\nEncaisse",
            ),
        },
    ),
]

# The sentence added to the shipped reminder emails, before their closing words.
RAISE_LINK = {
    "fr": (
        "\n\nCordialement,\n",
        "{% if dispute_link %}\n\nUne facture vous semble erronée ? Signalez-le-nous ici : "
        "{{ dispute_link }}{% endif %}",
    ),
    "en": (
        "\n\nKind regards,\n",
        "{% if dispute_link %}\n\nIs something wrong with an invoice? Tell us here: "
        "{{ dispute_link }}{% endif %}",
    ),
}
REMINDER_CODES = ["reminder-before-due", "first-reminder"]


def shipped_reminders() -> dict:
    shipped = importlib.import_module("encaisse.correspondence.migrations.0002_default_templates")
    return {
        (code, language): body
        for code, _channel, texts in shipped.TEMPLATES
        if code in REMINDER_CODES
        for language, (_name, _subject, body) in texts.items()
    }


def create_templates(apps, schema_editor):
    Template = apps.get_model("correspondence", "Template")
    for code, texts in TEMPLATES:
        for language, (name, subject, body) in texts.items():
            Template.objects.get_or_create(
                code=code,
                language=language,
                defaults={"channel": "email", "name": name, "subject": subject, "body": body},
            )
    for (code, language), shipped in shipped_reminders().items():
        closing, sentence = RAISE_LINK[language]
        if closing not in shipped:
            continue
        Template.objects.filter(code=code, language=language, body=shipped).update(
            body=shipped.replace(closing, sentence + closing, 1)
        )


def remove_templates(apps, schema_editor):
    Template = apps.get_model("correspondence", "Template")
    Template.objects.filter(code__in=[code for code, _texts in TEMPLATES]).delete()
    for (code, language), shipped in shipped_reminders().items():
        closing, sentence = RAISE_LINK[language]
        Template.objects.filter(
            code=code, language=language, body=shipped.replace(closing, sentence + closing, 1)
        ).update(body=shipped)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0002_default_codification"),
        ("dunning", "0005_worklist"),
        ("correspondence", "0002_default_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="from_customer",
            field=models.BooleanField(default=False, verbose_name="from the customer"),
        ),
        migrations.AlterField(
            model_name="disputeevent",
            name="type",
            field=models.CharField(
                choices=[
                    ("opened", "Dispute registered"),
                    ("transition", "Status changed"),
                    ("comment", "Comment"),
                    ("assigned", "Assignment changed"),
                    ("escalated", "Escalated"),
                    ("evidence", "Evidence added"),
                    ("customer_message", "Message from the customer"),
                    ("follow_up", "Satisfaction follow-up"),
                    ("satisfaction", "Satisfaction recorded"),
                ],
                max_length=16,
                verbose_name="type",
            ),
        ),
        migrations.CreateModel(
            name="Satisfaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("resolved_at", models.DateTimeField(verbose_name="resolution")),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("call", "Phone call")],
                        max_length=8,
                        verbose_name="channel",
                    ),
                ),
                ("recipient", models.CharField(blank=True, max_length=254, verbose_name="sent to")),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested at"
                    ),
                ),
                (
                    "rating",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rating"),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
                ),
                (
                    "call_action",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="dunning.action",
                    ),
                ),
                (
                    "dispute",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="satisfactions",
                        to="disputes.dispute",
                    ),
                ),
            ],
            options={
                "verbose_name": "satisfaction follow-up",
                "verbose_name_plural": "satisfaction follow-ups",
                "ordering": ["-requested_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("dispute", "resolved_at"), name="satisfaction_once_per_resolution"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rating__isnull", True),
                            models.Q(("rating__gte", 1), ("rating__lte", 5)),
                            _connector="OR",
                        ),
                        name="satisfaction_rating_1_to_5",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("answered_at__isnull", True),
                            ("rating__isnull", False),
                            _connector="OR",
                        ),
                        name="satisfaction_answer_has_rating",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_templates, remove_templates),
    ]
