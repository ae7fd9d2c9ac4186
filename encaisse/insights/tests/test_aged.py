"""The aged balance by segment, collector and customer (``/insights/aged/``): its figures are the
aged balance page's, each group drills down to the invoices, and it exports."""

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook

from encaisse.core.dates import today
from encaisse.insights.aged import aged_groups
from encaisse.insights.queries import Scope
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Payment
from encaisse.receivables.selectors import aged_balance_for
from encaisse.receivables.tests.factories import make_customer, make_invoice

from .ledger import AS_OF, worked_ledger

pytestmark = pytest.mark.django_db


def _ledger(collector=None):
    """The insights worked example, plus Leroy (key accounts): 3,000 over 90 days past due and
    1,000 of unallocated cash received on 20 December (1-30 days)."""
    ledger = worked_ledger(collector=collector)
    leroy = make_customer("C3", "Leroy SAS", segment=ledger["segment"])
    make_invoice(leroy, "F-AUG-1", "3000.00", issued=dt.date(2025, 7, 2), due=dt.date(2025, 8, 1))
    Payment.objects.create(
        customer=leroy,
        reference="VIR-1",
        received_on=dt.date(2025, 12, 20),
        amount=Decimal("1000.00"),
        unallocated_amount=Decimal("1000.00"),
        source=Source.MANUAL,
    )
    ledger["leroy"] = leroy
    return ledger


def _amounts(row):
    return {k: v for k, v in row.buckets.items() if v}


def test_it_groups_by_segment_with_the_aged_balance_pages_totals():
    ledger = _ledger()
    data = aged_groups(as_of=AS_OF, scope=Scope(), group="segment")
    key, none = data.rows
    assert (key.label, key.customers, key.balance) == ("Grands comptes", 2, Decimal("67000.00"))
    assert _amounts(key) == {
        "not_due": Decimal("40000.00"),
        "days_1_30": Decimal("-1000.00"),
        "days_31_60": Decimal("25000.00"),
        "days_over_90": Decimal("3000.00"),
    }
    assert (none.key, none.label, none.balance) == (None, "Sans segment", Decimal("35000.00"))
    page = aged_balance_for(as_of=AS_OF)
    assert data.totals == page.totals
    assert data.total_balance == page.total_balance == Decimal("102000.00")
    assert ledger["segment"].pk == key.key


def test_it_groups_by_collector_and_by_customer(collector):
    _ledger(collector=collector)
    by_collector = aged_groups(as_of=AS_OF, scope=Scope(), group="collector")
    assert [(r.key, r.balance) for r in by_collector.rows] == [
        (collector.pk, Decimal("65000.00")),
        (None, Decimal("37000.00")),  # Martin 35,000 and Leroy 2,000: no collector
    ]
    by_customer = aged_groups(as_of=AS_OF, scope=Scope(collector_id=collector.pk), group="customer")
    assert [(r.code, r.balance) for r in by_customer.rows] == [("C1", Decimal("65000.00"))]
    assert by_customer.totals == aged_balance_for(as_of=AS_OF, collector_id=collector.pk).totals


def _many_customers():
    """The worked example and Leroy, plus 60 customers owing 1,000.01 to 1,060.01 (with ties:
    two customers each of 1,000.01 .. 1,009.01), a customer with a credit note and one with only
    unallocated cash."""
    ledger = _ledger()
    segment = ledger["segment"]
    for n in range(60):
        customer = make_customer(f"M{n:02}", f"Client {n}", segment=segment if n % 2 else None)
        amount = Decimal("1000.01") + (n % 50)
        make_invoice(customer, f"M-{n}", str(amount), issued=dt.date(2025, 11, 2 + n % 20))
    credit = make_customer("K1", "Avoir SA")
    make_invoice(credit, "AV-1", "-250.55", issued=dt.date(2025, 12, 1), kind="credit_note")
    cash_only = make_customer("P1", "Acompte SAS", segment=segment)
    Payment.objects.create(
        customer=cash_only,
        reference="VIR-2",
        received_on=dt.date(2025, 12, 28),
        amount=Decimal("400.40"),
        unallocated_amount=Decimal("400.40"),
        source=Source.MANUAL,
    )
    return ledger


def test_grouped_by_customer_its_pages_list_the_aged_balance_rows_largest_first(monkeypatch):
    _many_customers()
    page = aged_balance_for(as_of=AS_OF)
    expected = sorted(page.rows, key=lambda r: (-r.balance, r.customer_code))
    data = aged_groups(as_of=AS_OF, scope=Scope(), group="customer")
    assert data.customers == len(data.rows) == len(page.rows) == 65
    assert data.totals == page.totals
    lines = [*data.rows[0:50], *data.rows[50:65]]
    assert [(r.key, r.buckets) for r in lines] == [(r.customer_id, r.buckets) for r in expected]
    assert [r.code for r in lines[-2:]] == ["K1", "P1"]  # a credit note, then cash: negative
    # An export reads every row at once and ranks them alike.
    monkeypatch.setattr("encaisse.receivables.aged_ranking.RANKED_READ", 10)
    exported = aged_groups(as_of=AS_OF, scope=Scope(), group="customer").rows
    assert [r.key for r in exported] == [r.key for r in lines]


def test_grouped_by_segment_it_counts_and_sums_every_customer_of_the_aged_balance():
    ledger = _many_customers()
    page = aged_balance_for(as_of=AS_OF)
    data = aged_groups(as_of=AS_OF, scope=Scope(), group="segment")
    key, none = data.rows
    assert key.key == ledger["segment"].pk
    # Dupont, Leroy, 30 of the 60 and the cash-only customer; Martin, 30 and the credit note.
    assert (key.customers, none.customers) == (33, 32)
    assert data.customers == 65 and data.totals == page.totals
    segment_rows = aged_balance_for(as_of=AS_OF, segment_id=ledger["segment"].pk)
    assert key.buckets == segment_rows.totals
    assert key.balance + none.balance == page.total_balance


def _total(html: str, key: str) -> str:
    return re.search(rf'data-total="{key}">([^<]*)<', html).group(1)


def test_the_pages_totals_match_the_aged_balance_page(manager_client):
    _ledger()
    query = {"as_of": AS_OF.isoformat()}
    aged_page = manager_client.get("/invoices/aged-balance/", query).content.decode()
    page_total = re.search(r"data-total>([^<]*)<", aged_page).group(1)
    for group in ("segment", "collector", "customer"):
        html = manager_client.get("/insights/aged/", {**query, "group": group}).content.decode()
        assert _total(html, "balance") == page_total == "102\u202f000,00"
        assert _total(html, "days_1_30") == "34\u202f000,00"
        assert '<svg class="chart" id="aged-chart"' in html


def _links(html: str, attribute: str) -> list[str]:
    return [unescape(u) for u in re.findall(rf'<a href="([^"]+)" {attribute}>', html)]


def test_a_segment_drills_down_to_its_customers_then_to_their_invoices(manager_client):
    ledger = _ledger()
    html = manager_client.get(
        "/insights/aged/", {"as_of": AS_OF.isoformat(), "group": "segment"}
    ).content.decode()
    (segment_url,) = _links(html, "data-drill")  # customers without a segment: no link
    assert f"segment={ledger['segment'].pk}" in segment_url and "group=customer" in segment_url
    customers = manager_client.get(segment_url).content.decode()
    assert "data-customer" not in customers
    assert "Dupont SA" in customers and "Leroy SAS" in customers and "Martin" not in customers
    dupont = ledger["dupont"].pk
    cell = re.search(
        rf'<tr data-key="{dupont}">.*?data-bucket="days_31_60"><a href="([^"]+)"', customers, re.S
    )
    invoices_url = unescape(cell.group(1))
    # Aged on another day than today: the list's due-date range puts the same invoices there.
    assert "due_after=2025-11-01" in invoices_url and "due_before=2025-11-30" in invoices_url
    invoices = manager_client.get(invoices_url).content.decode()
    assert "F-OCT-1" in invoices and "F-DEC-1" not in invoices


def test_aged_today_a_customers_bucket_opens_the_invoice_list_on_that_bucket(manager_client):
    customer = make_customer("C9", "Durand SA")
    make_invoice(customer, "F-LATE", "500.00", due=today() - dt.timedelta(days=45))
    make_invoice(customer, "F-SOON", "700.00", due=today() + dt.timedelta(days=5))
    html = manager_client.get("/insights/aged/", {"group": "customer"}).content.decode()
    url = unescape(re.search(r'data-bucket="days_31_60"><a href="([^"]+)"', html).group(1))
    assert f"customer_id={customer.pk}" in url and "bucket=days_31_60" in url
    invoices = manager_client.get(url).content.decode()
    assert "F-LATE" in invoices and "F-SOON" not in invoices


def test_it_exports_the_grouped_balance_to_excel_and_csv(manager_client):
    _ledger()
    query = {"as_of": AS_OF.isoformat(), "group": "segment"}
    response = manager_client.get("/insights/aged/export/xlsx/", query)
    assert response["Content-Disposition"].endswith('aged-segment-2025-12-31.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "segment",
        "code",
        "customers",
        "not_due",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_over_90",
        "balance",
    ]
    assert rows[1] == ["Grands comptes", "", 2, 40000, -1000, 25000, 0, 3000, 67000]
    assert rows[-1][0] == "Total" and rows[-1][-1] == 102000
    csv = manager_client.get("/insights/aged/export/csv/", {**query, "group": "customer"})
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[1] == "Dupont SA,C1,1,40000.00,0.00,25000.00,0.00,0.00,65000.00"


def test_the_dashboard_links_to_both_new_pages(manager_client):
    html = manager_client.get("/insights/").content.decode()
    assert 'id="aged-link"' in html and 'id="risk-link"' in html


URLS = ["/insights/aged/", "/insights/aged/export/csv/", "/insights/aged/export/xlsx/"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["manager_client", "collector_client", "read_only_client"])
def test_it_opens_the_page_and_exports_to_everyone_who_sees_the_ledger(request, persona, url):
    assert request.getfixturevalue(persona).get(url).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_it_refuses_department_members_and_sends_strangers_to_login(department_client, client, url):
    assert department_client.get(url).status_code == 403
    department_client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/insights/aged/", "/insights/risk/"])
def test_the_department_is_not_offered_but_kept_for_the_tabs_that_use_it(manager_client, url):
    # Neither page has department figures: no select, but the choice made on the disputes tab
    # survives a visit and a new filter here.
    html = manager_client.get(url, {"department": "billing"}).content.decode()
    assert 'name="department"' in html
    assert '<select name="department"' not in html
    assert '<input type="hidden" name="department" value="billing"' in html
