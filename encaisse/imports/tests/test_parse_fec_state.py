"""The FEC reader's compact state: many lettrage groups, their lines spilled to disk, labels read
back from the file for the open pieces only (parsers/fec_state.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.imports.parsers import fec_state, parse_file
from encaisse.imports.records import ItemKind

from .test_parse_fec import line, write_fec

D = Decimal


def _ledger(customers: int) -> list[str]:
    lines = []
    for n in range(customers):
        aux = f"C{n:03d}"
        # Paid in full (group A), paid short (group B: 120 of 300), and not lettered at all.
        let = "20250301"
        lines += [
            line("VE", f"{n}1", "20250110", "4", aux, f"F{n}", f"Fact F{n}", "100", "0", "A", let),
            line("VE", f"{n}2", "20250115", "4", aux, f"G{n}", f"Fact G{n}", "300", "0", "B", let),
            line("VE", f"{n}3", "20250120", "4", aux, f"H{n}", f"Facture H{n}", "50,00", "0"),
            line("BQ", f"{n}4", let, "4", aux, f"R{n}", f"Virement F{n}", "0", "100", "A", let),
            line("BQ", f"{n}5", let, "4", aux, f"S{n}", f"Virement G{n}", "0", "120", "B", let),
        ]
    return lines


@pytest.mark.parametrize("spill_lines", [3, fec_state.SPILL_LINES])
def test_it_nets_many_lettrage_groups_whether_their_lines_stay_in_memory_or_not(
    tmp_path, monkeypatch, spill_lines
):
    monkeypatch.setattr(fec_state, "SPILL_LINES", spill_lines)
    path = write_fec(tmp_path, *_ledger(40))
    # Customer accounts here are "4": read as receivables with that prefix.
    items = list(parse_file(path, as_of=dt.date(2025, 12, 31), receivable_prefixes=("4",)).items)
    found = {(i.customer_code, i.kind, i.number): i for i in items}
    assert len(items) == 80
    for n in range(40):
        short = found[(f"C{n:03d}", ItemKind.INVOICE, f"G{n}")]
        assert (short.amount, short.open_amount) == (D("300.00"), D("180.00"))
        assert short.issue_date == dt.date(2025, 1, 15) and short.label == f"Fact G{n}"
        unlettered = found[(f"C{n:03d}", ItemKind.INVOICE, f"H{n}")]
        assert (unlettered.open_amount, unlettered.label) == (D("50.00"), f"Facture H{n}")


def test_it_takes_an_open_piece_label_from_its_first_line_even_with_a_pipe_inside(tmp_path):
    path = write_fec(
        tmp_path,
        line("VE", "1", "20250110", "411000", "C1", "F1", "Facture | lot 7", "90,00", "0"),
        line("BQ", "2", "20250210", "411000", "C1", "F1", "Acompte", "0", "40,00"),
        line("OD", "3", "20250211", "411000", "C1", "-", "-", "0", "5,00"),
    )
    items = list(parse_file(path).items)
    labels = {i.number: i.label for i in items}
    assert labels == {"F1": "Facture | lot 7", "OD-3": ""}
