import subprocess
import sys

from encaisse.cli import translate


def test_it_maps_the_documented_words_to_django_commands():
    assert translate(["import", "fec.txt", "--dry-run"]) == [
        "ledger_import",
        "fec.txt",
        "--dry-run",
    ]
    assert translate(["export", "aged-balance", "--format", "csv"]) == [
        "export_aged_balance",
        "--format",
        "csv",
    ]
    assert translate(["migrate", "--no-input"]) == ["migrate", "--no-input"]


def test_the_console_script_runs_django_commands():
    result = subprocess.run(
        [sys.executable, "-m", "encaisse", "help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "worker" in result.stdout and "serve" in result.stdout
