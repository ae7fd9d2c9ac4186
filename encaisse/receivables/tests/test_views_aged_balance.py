import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from encaisse.customers.models import Segment
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Payment

from .factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db

PAGE = "/invoices/aged-balance/"
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


def before(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


@pytest.fixture
def ledger(collector):
    key_accounts = Segment.objects.create(code="key", name="Grands comptes")
    dupont = make_customer("C1", "Dupont SA", collector=collector, segment=key_accounts)
    make_invoice(dupont, "F1", "1000.00", due=before(-5), issued=before(25))
    make_invoice(dupont, "F2", "400.00", due=before(45), issued=before(75))
    martin = make_customer("C2", "Martin SARL")
    make_invoice(martin, "F3", "3000.00", due=before(100), issued=before(130))
    legrand = make_customer("C3", "Legrand EURL")
    make_invoice(legrand, "F4", "50.00", due=before(10), issued=before(40))
    Payment.objects.create(
        customer=legrand,
        reference="VIR-9",
        received_on=before(2),
        amount="80.00",
        unallocated_amount="80.00",
        source=Source.MANUAL,
    )
    return dupont, martin, legrand, key_accounts


def codes(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr data-customer="([^"]+)"', response.content.decode())


@pytest.mark.parametrize(
    "url", [PAGE, f"{PAGE}export/csv/", f"{PAGE}export/xlsx/"], ids=["page", "csv", "xlsx"]
)
def test_it_sends_anonymous_users_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}export/csv/", f"{PAGE}export/xlsx/"])
def test_it_refuses_a_department_member(department_client, url):
    assert department_client.get(url).status_code == 403


@pytest.mark.parametrize(
    "persona", ["read_only_client", "collector_client", "manager_client", "admin_client_"]
)
def test_it_shows_the_page_to_every_ledger_role(request, persona, ledger):
    client = request.getfixturevalue(persona)
    assert codes(client.get(f"{PAGE}?as_of={AS_OF}")) == ["C1", "C2", "C3"]
    assert client.get(f"{PAGE}export/csv/").status_code == 200


def test_it_shows_buckets_balances_and_totals_as_of_the_date(read_only_client, ledger):
    content = read_only_client.get(f"{PAGE}?as_of={AS_OF}").content.decode()
    assert "31/03/2026" in content
    assert "Non échu" in content and "Plus de 90 jours" in content and "31–60 jours" in content
    row = re.search(r'<tr data-customer="C3">(.*?)</tr>', content, re.S).group(1)
    assert "-30,00" in row  # 50.00 owed, 80.00 paid on account
    totals = re.search(r'<tr id="aged-totals">(.*?)</tr>', content, re.S).group(1)
    assert "4\u202f370,00" in totals and "3 clients" in totals
    assert "Les restes dus sont ceux connus aujourd’hui" in content


def test_it_sorts_by_balance_or_overdue(read_only_client, ledger):
    assert codes(read_only_client.get(f"{PAGE}?as_of={AS_OF}&sort=balance")) == ["C2", "C1", "C3"]
    assert codes(read_only_client.get(f"{PAGE}?as_of={AS_OF}&sort=overdue")) == ["C2", "C1", "C3"]
    # A later date makes Dupont's F1 overdue too: 1,400 overdue, still less than Martin's 3,000.
    later = AS_OF + dt.timedelta(days=10)
    assert codes(read_only_client.get(f"{PAGE}?as_of={later}&sort=overdue")) == ["C2", "C1", "C3"]


def test_it_filters_by_collector_and_segment(read_only_client, ledger, collector):
    _dupont, _martin, _legrand, key_accounts = ledger
    assert codes(read_only_client.get(f"{PAGE}?as_of={AS_OF}&collector={collector.pk}")) == ["C1"]
    assert codes(read_only_client.get(f"{PAGE}?as_of={AS_OF}&segment={key_accounts.pk}")) == ["C1"]


def test_it_reports_a_bad_date_and_shows_today(read_only_client, ledger):
    response = read_only_client.get(f"{PAGE}?as_of=2026-02-30")
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert codes(response) == ["C1", "C2", "C3"]


def test_it_exports_the_same_columns_as_the_command(read_only_client, ledger):
    response = read_only_client.get(f"{PAGE}export/csv/?as_of={AS_OF}&sort=balance")
    assert response["Content-Disposition"] == 'attachment; filename="balance-agee-2026-03-31.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == HEADER
    assert rows[1] == ["C2", "Martin SARL", "3000.00", "0.00", "0.00", "0.00", "0.00", "3000.00"]
    assert rows[3] == ["C3", "Legrand EURL", "-30.00", "0.00", "-30.00", "0.00", "0.00", "0.00"]


def test_it_exports_excel_with_the_page_filters(read_only_client, ledger, collector):
    response = read_only_client.get(f"{PAGE}export/xlsx/?as_of={AS_OF}&collector={collector.pk}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [HEADER, ["C1", "Dupont SA", 1400, 1000, 0, 400, 0, 0]]
    assert sheet["C2"].data_type == "n"


def test_it_pages_a_long_balance_and_totals_every_customer(read_only_client):
    for n in range(105):
        make_invoice(make_customer(f"C{n:03}", f"Client {n}"), f"F{n}", "10.00", issued=before(40))
    first = read_only_client.get(f"{PAGE}?as_of={AS_OF}")
    assert len(codes(first)) == 100
    assert "1\u202f050,00" in first.content.decode()
    assert codes(read_only_client.get(f"{PAGE}?as_of={AS_OF}&page=2")) == [
        "C100",
        "C101",
        "C102",
        "C103",
        "C104",
    ]


def test_it_builds_the_page_in_a_few_queries(read_only_client, django_assert_max_num_queries):
    for n in range(30):
        make_invoice(make_customer(f"C{n:02}", f"Client {n}"), f"F{n}", issued=before(40))
    # session, user (twice), company, collectors, segments, the totals, the page's ranking,
    # the page's invoice groups and payment groups: none per customer
    with django_assert_max_num_queries(10):
        response = read_only_client.get(f"{PAGE}?as_of={AS_OF}")
    assert len(codes(response)) == 30
