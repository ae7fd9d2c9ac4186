"""``encaisse disputes import FILE``: all rows registered in one go, or none with every error
named by line and column."""

import io

import pytest
from django.core.management import CommandError, call_command

from encaisse.cli import translate
from encaisse.disputes.models import Dispute
from encaisse.dunning.models import Block

from .factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db

HEADER = "customer_code;invoice_number;disputed_amount;reason_code;raised_on;description\n"


@pytest.fixture
def ledger():
    customer = make_customer("C1")
    make_invoice(customer, "F1", "10000.00")
    make_invoice(customer, "F2", "800.00")


def _import(tmp_path, text):
    path = tmp_path / "litiges.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(*translate(["disputes", "import", str(path)]), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), path


def test_it_registers_one_dispute_per_row(tmp_path, ledger):
    out, _err, _path = _import(
        tmp_path,
        HEADER + "C1;F1;2 500,00;A1;02/03/2026;Remise oubliée\nC1;F2;800.00;F3;2026-03-05;\n",
    )
    assert all(d.number in out for d in Dispute.objects.all())
    disputes = Dispute.objects.order_by("id")
    assert [(d.origin, d.reason_code.code, str(d.disputed_total)) for d in disputes] == [
        ("import", "A1", "2500.00"),
        ("import", "F3", "800.00"),
    ]
    assert Block.objects.count() == 2


def test_it_refuses_the_whole_file_naming_line_and_column(tmp_path, ledger):
    text = (
        HEADER
        + "C1;F1;2500;A1;2026-03-02;ok\n"
        + "C9;F1;10;A1;2026-03-02;unknown customer\n"
        + "C1;F2;abc;Z9;32/13/2026;three errors\n"
        + "C1;F2;900;A1;2026-03-02;more than open\n"
    )
    with pytest.raises(CommandError):
        _import(tmp_path, text)
    assert not Dispute.objects.exists() and not Block.objects.exists()


def test_it_prints_each_error(tmp_path, ledger, capsys):
    path = tmp_path / "litiges.csv"
    path.write_text(HEADER + "C1;F1;2500;A1;2026-03-02;ok\nC1;F2;900;A1;2026-03-02;x\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(*translate(["disputes", "import", str(path)]), stderr=err)
    assert f"{path}:3: disputed_amount:" in err.getvalue()


def test_it_lists_every_error_of_the_file(ledger, tmp_path):
    from encaisse.disputes.services.imports import DisputeImportError, disputes_import

    path = tmp_path / "litiges.csv"
    path.write_text(
        HEADER
        + "C9;F1;10;A1;2026-03-02;unknown customer\n"
        + "C1;F2;abc;Z9;32/13/2026;three errors\n"
    )
    with pytest.raises(DisputeImportError) as caught:
        disputes_import(actor=None, path=path)
    assert [(e.line, e.column) for e in caught.value.errors] == [
        (2, "customer_code"),
        (3, "disputed_amount"),
        (3, "reason_code"),
        (3, "raised_on"),
    ]
    path.write_text("customer;invoice\nC1;F1\n")
    with pytest.raises(DisputeImportError) as caught:
        disputes_import(actor=None, path=path)
    assert {e.column for e in caught.value.errors} == {
        "customer_code",
        "invoice_number",
        "disputed_amount",
        "reason_code",
        "raised_on",
        "description",
    }
