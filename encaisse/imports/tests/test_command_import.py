"""``encaisse import`` (the ledger_import command): summary on success, error on stderr."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from encaisse.imports.choices import BatchStatus
from encaisse.imports.models import ImportBatch
from encaisse.receivables.models import Invoice

pytestmark = pytest.mark.django_db

CSV = (
    "Code client;Raison sociale;N° facture;Date facture;Échéance;Montant TTC;Reste dû\n"
    "C1;Dupont SA;F1;15/01/2026;14/02/2026;1 200,00;1 200,00\n"
    "C2;Martin SARL;F2;31/01/2026;02/03/2026;999,99;999,99\n"
)
BAD_LINE = "C3;Durand;F3;01/02/2026;03/03/2026;12a;12a\n"


def _run(*args):
    out, err = [], []

    class Sink:
        def __init__(self, into):
            self.into = into

        def write(self, text):
            self.into.append(text)

        def flush(self):
            pass

    with translation.override("en"):
        call_command("ledger_import", *args, stdout=Sink(out), stderr=Sink(err))
    return "".join(out)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_it_imports_a_file_and_prints_a_summary(csv_file, credit_manager):
    out = _run(str(csv_file), "--as-of", "2026-03-31", "--user", credit_manager.username)
    assert "open.csv" in out and "2 created" in out and "2,199.99" in out
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.APPLIED and batch.created_by == credit_manager
    assert str(batch.as_of) == "2026-03-31"
    assert Invoice.objects.count() == 2


def test_it_writes_nothing_on_a_dry_run(csv_file):
    out = _run(str(csv_file), "--dry-run")
    assert "dry run" in out and "2 created" in out
    assert not Invoice.objects.exists()


def test_it_passes_the_mode_and_the_mapping(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Tiers;Nom;Pièce;Le;Pour le;Valeur;Reste\nC1;Dupont;F1;15/01/2026;14/02/2026;10,00;10,00\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "customer_code": "Tiers",
                "customer_name": "Nom",
                "number": "Pièce",
                "issue_date": "Le",
                "due_date": "Pour le",
                "amount": "Valeur",
                "open_amount": "Reste",
            }
        ),
        encoding="utf-8",
    )
    _run(str(path), "--mapping", str(mapping), "--mode", "incremental", "--format", "csv")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.APPLIED, batch.error_message
    assert batch.mode == "incremental" and batch.mapping["number"] == "Pièce"
    assert Invoice.objects.get().number == "F1"


def test_it_fails_with_the_line_and_column_of_a_bad_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + BAD_LINE, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        _run(str(path))
    assert "bad.csv" in str(error.value) and "line 4" in str(error.value)
    assert error.value.returncode == 1
    assert not Invoice.objects.exists()


def test_it_lists_skipped_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + BAD_LINE, encoding="utf-8")
    out = _run(str(path), "--skip-bad-rows")
    assert "rejected: 1" in out and "line 4" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "no such file"),
        (["{csv}", "--as-of", "31/03/2026"], "YYYY-MM-DD"),
        (["{csv}", "--mapping", "{csv}"], "not valid JSON"),
        (["{csv}", "--user", "nobody"], "No user named nobody"),
    ],
)
def test_it_refuses_bad_arguments(csv_file, args, message):
    args = [a.replace("{csv}", str(csv_file)) for a in args]
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not ImportBatch.objects.exists()


def test_it_runs_as_the_encaisse_console_script(tmp_path):
    """The real ``encaisse import`` process: exit codes, stdout and stderr."""
    db = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    script = Path(sys.executable).with_name("encaisse")
    subprocess.run([script, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    good = tmp_path / "open.csv"
    good.write_text(CSV, encoding="utf-8")
    done = subprocess.run([script, "import", good], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "open.csv" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + BAD_LINE, encoding="utf-8")
    failed = subprocess.run([script, "import", bad], env=env, capture_output=True, text=True)
    assert failed.returncode != 0
    assert "bad.csv" in failed.stderr and "line 4" in failed.stderr
    assert failed.stdout == ""
