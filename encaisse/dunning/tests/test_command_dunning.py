"""``encaisse dunning run`` (in process, through the same entry point as the console script)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from encaisse.cli import translate
from encaisse.dunning.management.commands import dunning as dunning_command
from encaisse.dunning.models import Action, Run
from encaisse.dunning.services import block_create, dunning_run_generate
from encaisse.receivables.models import Invoice

from .factories import day, make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    make_scenario()
    c1 = make_customer("C1", "Alpha")
    make_invoice(c1, "F1", "1000.00", due=day("2026-03-10"))
    make_invoice(c1, "F2", "250.50", due=day("2026-03-12"))
    make_invoice(make_customer("C2", "Beta"), "F3", "800.00", due=day("2026-03-20"))
    return c1


def _run(*args) -> str:
    out = io.StringIO()
    with translation.override("fr"):  # the default language, whatever an earlier test left
        call_command(*translate(["dunning", "run", *args]), stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object_per_action(ledger):
    f1 = Invoice.objects.get(number="F1")
    block_create(
        actor=None,
        customer=ledger,
        invoice=f1,
        blocked_amount="200.00",
        reason="Litige sur une ligne",
        starts_on=day("2026-03-01"),
    )
    actions = json.loads(_run("--as-of", "2026-03-18", "--json"))
    assert [
        {k: a[k] for k in ("customer_code", "step", "channel", "invoices", "total")}
        for a in actions
    ] == [
        {
            "customer_code": "C1",
            "step": "J+5",
            "channel": "email",
            "invoices": [
                {"number": "F1", "due_date": "2026-03-10", "amount_due": "800.00"},
                {"number": "F2", "due_date": "2026-03-12", "amount_due": "250.50"},
            ],
            "total": "1050.50",
        },
        {
            "customer_code": "C2",
            "step": "J-5",
            "channel": "call",
            "invoices": [{"number": "F3", "due_date": "2026-03-20", "amount_due": "800.00"}],
            "total": "800.00",
        },
    ]
    assert actions[0]["id"] == Action.objects.get(customer=ledger).pk
    assert _run("--as-of", "2026-03-18", "--json").strip() == "[]"


def test_it_previews_with_dry_run_and_writes_nothing(ledger):
    actions = json.loads(_run("--as-of", "2026-03-18", "--json", "--dry-run"))
    assert len(actions) == 2 and all(a["id"] is None for a in actions)
    assert not Action.objects.exists()
    assert Run.objects.get().dry_run


def test_it_prints_a_summary_without_json(ledger):
    out = _run("--as-of", "2026-03-18")
    assert "Relance du 2026-03-18 : terminée" in out
    assert "actions : 2" in out
    assert "factures ouvertes : 3, passées à une étape : 3" in out
    assert "Appel téléphonique: 1" in out


def test_it_refuses_a_bad_date(ledger):
    with pytest.raises(CommandError, match="AAAA-MM-JJ, pas '18/03/2026'"):
        _run("--as-of", "18/03/2026")
    assert not Run.objects.exists()


def test_it_writes_the_same_json_whatever_the_batch_size(ledger, monkeypatch):
    # The output is streamed a batch of actions at a time: the separators between batches
    # must make one valid array, identical to the service's own list.
    monkeypatch.setattr(dunning_command, "JSON_BATCH", 1)
    printed = json.loads(_run("--as-of", "2026-03-18", "--json", "--dry-run"))
    monkeypatch.setattr(dunning_command, "JSON_BATCH", 1000)
    assert json.loads(_run("--as-of", "2026-03-18", "--json", "--dry-run")) == printed
    assert [a["customer_code"] for a in printed] == ["C1", "C2"]
    assert printed == dunning_run_generate(as_of=day("2026-03-18"), dry_run=True).actions
