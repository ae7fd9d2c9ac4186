"""Reference rates for 2024-2026 (see docs/dunning.md and the README's Dunning section).

ECB main refinancing rate in force on 1 January / 1 July (L441-10 adds 10 points), and the
legal interest rate per half-year (professionals: "tous les autres cas"; individuals).
Sources: ECB / Banque de France key rate tables and the arrêtés published in the Journal
officiel. Rows marked unconfirmed were read in third-party sources only: check them."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

ECB = "ECB key interest rates (main refinancing operations)"
JO = "Arrêté fixant le taux de l'intérêt légal (Journal officiel)"
THIRD = "third-party sources only: to check against the ECB / Journal officiel"

RATES = [
    # kind, half-year start, rate %, source, confirmed
    ("ecb_mro", dt.date(2024, 1, 1), "4.50", ECB + ", since 20 Sep 2023", True),
    ("ecb_mro", dt.date(2024, 7, 1), "4.25", ECB + ", since 12 Jun 2024", True),
    ("ecb_mro", dt.date(2025, 1, 1), "3.15", ECB + ", since 18 Dec 2024", True),
    ("ecb_mro", dt.date(2025, 7, 1), "2.15", ECB + ", since 11 Jun 2025", True),
    ("ecb_mro", dt.date(2026, 1, 1), "2.15", ECB + ", held 18 Dec 2025", True),
    ("ecb_mro", dt.date(2026, 7, 1), "2.40", "since 17 Jun 2026, " + THIRD, False),
    ("legal_professional", dt.date(2024, 1, 1), "5.07", JO + " 21 Dec 2023", True),
    ("legal_professional", dt.date(2024, 7, 1), "4.92", JO + " 26 Jun 2024", True),
    ("legal_professional", dt.date(2025, 1, 1), "3.71", JO + " 17 Dec 2024", True),
    ("legal_professional", dt.date(2025, 7, 1), "2.76", JO + " 19 Jun 2025", True),
    ("legal_professional", dt.date(2026, 1, 1), "2.62", JO + " 15 Dec 2025", True),
    ("legal_professional", dt.date(2026, 7, 1), "2.75", THIRD, False),
    ("legal_individual", dt.date(2024, 1, 1), "8.01", JO + " 21 Dec 2023", True),
    ("legal_individual", dt.date(2024, 7, 1), "8.16", JO + " 26 Jun 2024", True),
    ("legal_individual", dt.date(2025, 1, 1), "7.21", JO + " 17 Dec 2024", True),
    ("legal_individual", dt.date(2025, 7, 1), "6.65", JO + " 19 Jun 2025", True),
    ("legal_individual", dt.date(2026, 1, 1), "6.67", JO + " 15 Dec 2025", True),
    ("legal_individual", dt.date(2026, 7, 1), "6.84", THIRD, False),
]


def create(apps, schema_editor):
    ReferenceRate = apps.get_model("dunning", "ReferenceRate")
    for kind, starts_on, rate, source, confirmed in RATES:
        ReferenceRate.objects.get_or_create(
            kind=kind,
            starts_on=starts_on,
            defaults={"rate": Decimal(rate), "source": source, "confirmed": confirmed},
        )


class Migration(migrations.Migration):
    dependencies = [("dunning", "0002_default_scenarios")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
