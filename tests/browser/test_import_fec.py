"""A credit manager imports a FEC through the web interface and sees what it changed."""

import pytest

from encaisse.imports.models import ImportBatch
from encaisse.receivables.models import Invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def _line(journal, num, date, account, aux, name, piece, debit, credit, let=""):
    return "\t".join(
        [
            journal,
            journal,
            str(num),
            date,
            account,
            "",
            aux,
            name,
            piece,
            date,
            f"Pièce {piece}",
            debit,
            credit,
            let,
            "20260301" if let else "",
            date,
            "",
            "",
        ]
    )


def _fec(path):
    lines = [
        HEADER,
        _line("VE", 1, "20260115", "411000", "C001", "Dupont SA", "F1", "1200,00", "0,00"),
        _line("VE", 1, "20260115", "706000", "", "", "F1", "0,00", "1200,00"),
        _line("VE", 2, "20260120", "411000", "C001", "Dupont SA", "F2", "300,50", "0,00", "AA"),
        _line("VE", 2, "20260120", "706000", "", "", "F2", "0,00", "300,50"),
        _line("BQ", 3, "20260210", "411000", "C001", "Dupont SA", "VIR1", "0,00", "300,50", "AA"),
        _line("BQ", 3, "20260210", "512000", "", "", "VIR1", "300,50", "0,00"),
        _line("VE", 4, "20260131", "411000", "C002", "Martin SARL", "F3", "999,99", "0,00"),
        _line("VE", 4, "20260131", "706000", "", "", "F3", "0,00", "999,99"),
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_a_credit_manager_imports_a_fec_and_sees_the_batch(
    page, live_server, manager, login, shot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    login()
    page.click(".mainnav a[href='/imports/']")
    page.click("a[href='/imports/new/']")
    page.set_input_files("#id_file", str(_fec(tmp_path / "FEC-2026.txt")))
    page.fill("#id_as_of", "2026-03-31")
    page.click("#import-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/imports/*/")
    assert page.locator("[data-count=invoices-created]").inner_text() == "2"
    assert page.locator("[data-count=customers-created]").inner_text() == "2"
    assert page.locator("[data-total=file]").inner_text() == "2\u202f199,99"
    assert page.locator("[data-total=ledger]").inner_text() == "2\u202f199,99"
    assert page.locator("#totals tr.differs").count() == 0
    assert "Dupont SA" in page.locator("#totals").inner_text()
    shot("import-fec-batch")

    batch = ImportBatch.objects.get()
    assert batch.status == "applied" and batch.format == "fec"
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["F1", "F3"]

    page.click(".mainnav a[href='/imports/']")
    assert page.locator("#batches").inner_text().count("FEC-2026.txt") == 1
    shot("import-list")

    response = page.goto(f"{live_server.url}/customers/")
    if response.status == 404:
        return  # the customers pages are not there yet: the batch page said it all
    assert "Dupont SA" in page.content() and "Martin SARL" in page.content()
    shot("import-fec-customers")
