import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from .ledger import worked_ledger

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
