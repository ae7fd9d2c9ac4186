import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from encaisse.disputes.tests import stats_fixture
from encaisse.dunning.tests.factories import make_scenario
from encaisse.receivables.tests.factories import make_customer

from .ledger import worked_ledger
from .test_effectiveness import _dunned

pytestmark = pytest.mark.django_db


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_it_writes_the_monthly_report_in_french_with_the_figures(tmp_path):
    worked_ledger()
    output = tmp_path / "report.pdf"
    call_command(
        "report_monthly", "--month", "2025-12", "--output", str(output), stdout=io.StringIO()
    )
    text = _text(output)
    assert "Rapport mensuel du poste clients" in text
    assert "décembre 2025" in text.lower()
    assert "100 000,00 €" in text.replace("\u202f", " ")
    assert "76,5" in text
    assert "Prévision d'encaissements, 13 semaines" in text


def test_it_writes_the_report_in_english(tmp_path):
    worked_ledger()
    output = tmp_path / "report.pdf"
    call_command(
        "report_monthly",
        "--month",
        "2025-12",
        "--language",
        "en",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    text = _text(output)
    assert "Monthly receivables report" in text
    assert "100,000.00 €" in text
    assert "Cash forecast, 13 weeks" in text


def test_it_refuses_a_bad_month(tmp_path):
    with pytest.raises(CommandError, match="--month"):
        call_command("report_monthly", "--month", "12/2025", "--output", str(tmp_path / "x.pdf"))


def _report(tmp_path, month, language):
    output = tmp_path / f"report-{language}.pdf"
    call_command(
        "report_monthly",
        "--month",
        month,
        "--language",
        language,
        "--output",
        str(output),
        stdout=io.StringIO(),
    )
    return " ".join(_text(output).replace("\u202f", " ").split())


def test_it_adds_the_aged_balance_by_segment_and_dunning_effectiveness(tmp_path):
    worked_ledger()
    text = _report(tmp_path, "2025-12", "fr")
    assert "Balance âgée par segment" in text
    # Grands comptes: Dupont's October invoice (25,000, 46 days late) and December (40,000).
    assert "Grands comptes 40 000,00 0,00 25 000,00 0,00 0,00 65 000,00 25 000,00" in text
    assert "Sans segment 0,00 35 000,00 0,00 0,00 0,00 35 000,00 35 000,00" in text
    assert "Efficacité des relances" in text
    assert "Promesses de paiement" in text


def test_it_adds_the_share_paid_after_each_dunning_step(tmp_path):
    step = make_scenario().steps.get(offset_days=5)
    _dunned(make_customer(), step, [3, 10, 20, None])
    text = _report(tmp_path, "2026-06", "fr")
    assert "Réglées sous 7 jours Réglées sous 15 jours Réglées sous 30 jours" in text
    assert "email 5 J+5 4 25,0 % 50,0 % 75,0 %" in text


def test_it_adds_the_disputes_of_the_month_with_the_pareto_in_both_languages(tmp_path):
    stats_fixture.build()
    text = _report(tmp_path, "2026-03", "fr")
    assert "Litiges ouverts en mars 2026" in text
    assert "Litiges ouverts 7" in text
    assert "Montant contesté 2 200,00 €" in text
    assert "Durée médiane de résolution (jours) 5,0" in text
    assert "Durée de résolution au 90e centile (jours) 15,0" in text
    assert "Résolus dans le délai 83 %" in text
    assert "Part fondée 67 %" in text
    # 950 open 29 days to 31 March instead of 30 to 1 April: 42,050 - 950.
    assert "Trésorerie gelée (€ × jours) 41 100,00" in text
    # Causes by amount: 400, 350, 300 and 200 of 1,250 resolved (the open one has none).
    assert "Cause racine Litiges Montant Part Part cumulée" in text
    assert "1 400,00 32 % 32 %" in text and "2 200,00 16 % 100 %" in text
    assert "Causes racines des litiges ouverts depuis avril 2025" in text
    english = _report(tmp_path, "2026-03", "en")
    assert "Disputes raised in March 2026" in english
    assert "Amount disputed 2,200.00 €" in english
    assert "Resolved within the deadline 83 %" in english
    assert "Root cause Disputes Amount Share Cumulative share" in english
    assert "Aged balance by segment" in english
    assert "Dunning effectiveness" in english
