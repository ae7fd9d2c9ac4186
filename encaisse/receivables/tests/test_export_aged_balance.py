import csv
import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from encaisse.company.selectors import company_get
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Payment

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 31)
HEADER = [
    "customer_code",
    "customer_name",
    "balance",
    "not_due",
    "days_1_30",
    "days_31_60",
    "days_61_90",
    "days_over_90",
]


@pytest.fixture
def ledger():
    dupont = make_customer("C1", "Dupont, Fils & Cie")
    make_invoice(dupont, "F1", "1200.50", due=AS_OF + dt.timedelta(days=5))
    make_invoice(dupont, "F2", "300.25", due=AS_OF - dt.timedelta(days=45))
    make_invoice(dupont, "F3", "99.99", due=AS_OF - dt.timedelta(days=120))
    make_credit_note(dupont, "AV1", "-50.00", due=AS_OF - dt.timedelta(days=10))
    martin = make_customer("C2", "Martin SARL")
    make_invoice(martin, "F4", "100.00", due=AS_OF - dt.timedelta(days=3))
    # Martin paid 250.00 for a 100.00 invoice: 150.00 in its favour.
    Payment.objects.create(
        customer=martin,
        reference="VIR-1",
        received_on=AS_OF - dt.timedelta(days=2),
        amount="250.00",
        unallocated_amount="250.00",
        source=Source.MANUAL,
    )
    return dupont, martin


def _csv(**options):
    out = io.StringIO()
    call_command("export_aged_balance", stdout=out, **options)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_it_writes_the_exact_header_and_point_decimals(ledger):
    rows = _csv(as_of=AS_OF.isoformat())
    assert rows[0] == HEADER
    assert rows[1] == [
        "C1",
        "Dupont, Fils & Cie",
        "1550.74",
        "1200.50",
        "-50.00",
        "300.25",
        "0.00",
        "99.99",
    ]


def test_it_shows_an_overpaid_customer_with_a_negative_balance(ledger):
    rows = _csv(as_of=AS_OF.isoformat())
    assert rows[2] == ["C2", "Martin SARL", "-150.00", "0.00", "-150.00", "0.00", "0.00", "0.00"]


def test_it_ages_as_of_the_given_date(ledger):
    later = (AS_OF + dt.timedelta(days=30)).isoformat()
    dupont = _csv(as_of=later)[1]
    # F1 is now 25 days late, F2 75, F3 150; the credit note 40.
    assert dupont[3:] == ["0.00", "1200.50", "-50.00", "300.25", "99.99"]
    earlier = _csv(as_of=dt.date(2026, 1, 1).isoformat())
    assert earlier == [HEADER]  # nothing issued yet


def test_it_writes_an_excel_file_with_numbers(ledger, tmp_path):
    path = tmp_path / "aged.xlsx"
    call_command("export_aged_balance", as_of=AS_OF.isoformat(), format="xlsx", output=str(path))
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert values[1][:4] == ["C1", "Dupont, Fils & Cie", 1550.74, 1200.5]
    assert values[2][2] == -150
    assert sheet["C2"].number_format == "#,##0.00"


def test_it_writes_csv_to_a_file_in_utf8(ledger, tmp_path):
    path = tmp_path / "aged.csv"
    call_command("export_aged_balance", as_of=AS_OF.isoformat(), output=str(path))
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    assert rows[0] == HEADER and len(rows) == 3


def test_it_names_the_columns_after_custom_buckets(ledger):
    company = company_get()
    company.aging_bucket_bounds = [45, 90]
    company.save()
    rows = _csv(as_of=AS_OF.isoformat())
    assert rows[0][3:] == ["not_due", "days_1_45", "days_46_90", "days_over_90"]
    assert rows[1][3:] == ["1200.50", "250.25", "0.00", "99.99"]  # F2 is 45 days late


def test_it_refuses_a_bad_date_naming_the_option():
    with pytest.raises(
        CommandError, match=r"--as-of: not a date in the form YYYY-MM-DD: '31/03/2026'"
    ):
        call_command("export_aged_balance", as_of="31/03/2026")


def test_it_exits_non_zero_with_the_message_on_stderr(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "encaisse", "export", "aged-balance", "--as-of", "2026-02-30"],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "--as-of: not a date in the form YYYY-MM-DD: '2026-02-30'" in result.stderr
    assert result.stdout == ""
