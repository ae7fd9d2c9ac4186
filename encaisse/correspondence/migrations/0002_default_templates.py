"""The templates of every template code the shipped scenarios use, in French and English.
Bodies are Django templates over the context documented in correspondence/rendering.py."""

from django.db import migrations

SIGNATURE_FR = "Le service recouvrement\n{{ company.name }}"
SIGNATURE_EN = "Credit control\n{{ company.name }}"

TEMPLATES = [
    (
        "reminder-before-due",
        "email",
        {
            "fr": (
                "Rappel avant échéance",
                "Échéance prochaine de vos factures – {{ company.name }}",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Nous nous permettons de vous rappeler que les factures suivantes arrivent "
                "prochainement à échéance :\n\n"
                "{% for line in invoices %}- {{ line.number }} du {{ line.issue_date|date:'d/m/Y' }}"
                ", échéance {{ line.due_date|date:'d/m/Y' }} : {{ line.amount_due|money }} €\n"
                "{% endfor %}\nTotal : {{ total|money }} €\n\n"
                "Le relevé est joint à ce message. Si le règlement est déjà parti, merci de ne "
                "pas tenir compte de ce rappel.\n\nCordialement,\n" + SIGNATURE_FR,
            ),
            "en": (
                "Reminder before the due date",
                "Invoices coming due – {{ company.name }}",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "This is a friendly reminder that the following invoices will soon be due:\n\n"
                "{% for line in invoices %}- {{ line.number }} of {{ line.issue_date|date:'Y-m-d' }}"
                ", due {{ line.due_date|date:'Y-m-d' }}: {{ line.amount_due|money }} €\n"
                "{% endfor %}\nTotal: {{ total|money }} €\n\n"
                "The statement is attached. If payment is already on its way, please disregard "
                "this reminder.\n\nKind regards,\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "first-reminder",
        "email",
        {
            "fr": (
                "Première relance",
                "Factures échues – {{ customer.name }}",
                "Bonjour{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "Sauf erreur de notre part, les factures suivantes restent impayées à ce jour :"
                "\n\n{% for line in invoices %}- {{ line.number }}, échéance "
                "{{ line.due_date|date:'d/m/Y' }} ({{ line.days_late }} jours de retard) : "
                "{{ line.amount_due|money }} €\n{% endfor %}\nTotal dû : {{ total|money }} €\n\n"
                "Nous vous remercions de bien vouloir procéder à leur règlement dans les "
                "meilleurs délais. Le relevé est joint à ce message.\n\nCordialement,\n"
                + SIGNATURE_FR,
            ),
            "en": (
                "First reminder",
                "Overdue invoices – {{ customer.name }}",
                "Hello{% if contact %} {{ contact.name }}{% endif %},\n\n"
                "According to our records, the following invoices are still unpaid:\n\n"
                "{% for line in invoices %}- {{ line.number }}, due "
                "{{ line.due_date|date:'Y-m-d' }} ({{ line.days_late }} days late): "
                "{{ line.amount_due|money }} €\n{% endfor %}\nTotal due: {{ total|money }} €\n\n"
                "Please arrange payment at your earliest convenience. The statement is "
                "attached.\n\nKind regards,\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "reminder-letter",
        "letter",
        {
            "fr": (
                "Lettre de relance",
                "Relance pour factures impayées",
                "Madame, Monsieur,\n\nMalgré nos précédents rappels, les factures ci-dessous "
                "restent impayées à ce jour pour un total de {{ total|money }} €.\n\n"
                "Nous vous prions de bien vouloir procéder à leur règlement sous huit jours ou "
                "de nous contacter si une difficulté s'y oppose.\n\n"
                "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n"
                + SIGNATURE_FR,
            ),
            "en": (
                "Reminder letter",
                "Reminder: unpaid invoices",
                "Dear Sir or Madam,\n\nDespite our previous reminders, the invoices below are "
                "still unpaid, for a total of {{ total|money }} €.\n\nPlease settle them within "
                "eight days or contact us if anything prevents payment.\n\nYours faithfully,\n\n"
                + SIGNATURE_EN,
            ),
        },
    ),
    (
        "second-reminder-letter",
        "letter",
        {
            "fr": (
                "Deuxième lettre",
                "Deuxième relance pour factures impayées",
                "Madame, Monsieur,\n\nNotre lettre précédente est restée sans effet : les "
                "factures ci-dessous, d'un total de {{ total|money }} €, restent impayées.\n\n"
                "Nous vous remercions de faire procéder à leur mandatement sans délai et de nous "
                "indiquer la date de paiement prévue.\n\n"
                "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n"
                + SIGNATURE_FR,
            ),
            "en": (
                "Second letter",
                "Second reminder: unpaid invoices",
                "Dear Sir or Madam,\n\nOur previous letter has had no effect: the invoices below, "
                "totalling {{ total|money }} €, are still unpaid.\n\nPlease have them paid "
                "without delay and let us know the expected payment date.\n\n"
                "Yours faithfully,\n\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "formal-notice",
        "formal_notice",
        {
            "fr": (
                "Mise en demeure",
                "Mise en demeure de payer",
                "Madame, Monsieur,\n\nMalgré nos relances, les factures détaillées ci-dessous "
                "demeurent impayées pour un montant de {{ total|money }} €."
                "{% if penalties %} S'y ajoutent les pénalités de retard "
                "({{ penalties.interest|money }} €) et l'indemnité forfaitaire pour frais de "
                "recouvrement ({{ penalties.indemnity|money }} €), soit un total de "
                "{{ penalties.grand_total|money }} €.{% endif %}\n\n"
                "Par la présente, nous vous mettons en demeure de nous régler cette somme sous "
                "quinze jours à compter de la réception de ce courrier. À défaut, nous saisirons "
                "la juridiction compétente sans autre avis.\n\n"
                "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.\n\n"
                + SIGNATURE_FR,
            ),
            "en": (
                "Formal notice",
                "Formal notice to pay",
                "Dear Sir or Madam,\n\nDespite our reminders, the invoices detailed below remain "
                "unpaid for an amount of {{ total|money }} €.{% if penalties %} Late-payment "
                "interest ({{ penalties.interest|money }} €) and the fixed indemnity for recovery "
                "costs ({{ penalties.indemnity|money }} €) are added, a total of "
                "{{ penalties.grand_total|money }} €.{% endif %}\n\n"
                "We hereby give you formal notice to pay this sum within fifteen days of receipt "
                "of this letter. Failing that, we will bring the matter before the competent "
                "court without further notice.\n\nYours faithfully,\n\n" + SIGNATURE_EN,
            ),
        },
    ),
    (
        "courtesy-call",
        "call",
        {
            "fr": (
                "Appel de courtoisie",
                "Appel de courtoisie – {{ customer.name }}",
                "La livraison ou la prestation vous a-t-elle donné satisfaction ?\n"
                "Avez-vous bien reçu la facture ?\n"
                "Pouvez-vous confirmer le règlement de {{ total|money }} € à l'échéance ?",
            ),
            "en": (
                "Courtesy call",
                "Courtesy call – {{ customer.name }}",
                "Was the delivery or service satisfactory?\nWas the invoice received?\n"
                "Can you confirm payment of {{ total|money }} € on the due date?",
            ),
        },
    ),
    (
        "follow-up-call",
        "call",
        {
            "fr": (
                "Appel de relance",
                "Appel de relance – {{ customer.name }}",
                "Rappeler les factures échues ({{ total|money }} €).\n"
                "Y a-t-il un problème sur l'une d'elles ?\n"
                "Obtenir une date de paiement et un montant (promesse de paiement).",
            ),
            "en": (
                "Follow-up call",
                "Follow-up call – {{ customer.name }}",
                "Go over the overdue invoices ({{ total|money }} €).\n"
                "Is there a problem with any of them?\n"
                "Get a payment date and amount (a promise to pay).",
            ),
        },
    ),
    (
        "legal-handover",
        "internal_task",
        {
            "fr": (
                "Transmission au contentieux",
                "Transmission au contentieux – {{ customer.name }}",
                "Transmettre le dossier ({{ total|money }} €) au service juridique ou à la "
                "société de recouvrement : factures, commandes ou contrat, mise en demeure et "
                "accusé de réception.",
            ),
            "en": (
                "Legal handover",
                "Legal handover – {{ customer.name }}",
                "Hand the file ({{ total|money }} €) over to the legal team or the collection "
                "agency: invoices, orders or contract, formal notice and its receipt.",
            ),
        },
    ),
]


def create(apps, schema_editor):
    Template = apps.get_model("correspondence", "Template")
    for code, channel, texts in TEMPLATES:
        for language, (name, subject, body) in texts.items():
            Template.objects.get_or_create(
                code=code,
                language=language,
                defaults={"channel": channel, "name": name, "subject": subject, "body": body},
            )


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
