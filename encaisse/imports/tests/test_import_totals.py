"""File totals next to what the ledger holds after the import, per customer and overall."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.customers.models import Customer
from encaisse.imports.records import ItemKind
from encaisse.imports.services import totals_compare
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Invoice

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db


def _records():
    return [
        item("F1", "C1", "0.10"),
        item("F2", "C1", "0.20"),
        item("F3", "C1", "1000.00", "0.00"),
        item("AV1", "C1", "0.05", kind=ItemKind.CREDIT_NOTE),
        item("P1", "C1", "0.02", kind=ItemKind.PAYMENT),
        item("F4", "C2", "12345678.91"),
    ]


def test_it_totals_the_file_and_reads_the_same_figures_back():
    batch = run(ledger(_records()))
    assert batch.file_totals == {
        "overall": "12345679.14",
        "customers": {"C1": "0.23", "C2": "12345678.91"},
    }
    assert batch.imported_totals == batch.file_totals


def test_it_shows_what_the_ledger_holds_beyond_the_file():
    customer = Customer.objects.create(code="C1", name="Dupont")
    Invoice.objects.create(
        customer=customer,
        number="M1",
        issue_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 1, 31),
        amount=Decimal("10.00"),
        open_amount=Decimal("10.00"),
        source=Source.MANUAL,
    )
    batch = run(ledger(_records()))
    assert batch.imported_totals["customers"]["C1"] == "10.23"
    rows = totals_compare(batch.file_totals, batch.imported_totals)
    assert rows[0]["code"] == "C1" and rows[0]["difference"] == Decimal("10.00")
    assert rows[1]["difference"] == 0
