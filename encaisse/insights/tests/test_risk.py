"""The customer risk view's figures against the worked example (``risk_ledger``), its page,
its exports and the risk card of the customer page."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from encaisse.insights.queries import Scope
from encaisse.insights.risk import RiskFilters, customer_risk, months_before, risk_page
from encaisse.receivables.services.balances import customer_balances_refresh
from encaisse.receivables.tests.factories import make_customer, make_invoice

from .risk_ledger import AS_OF, risk_ledger

pytestmark = pytest.mark.django_db


def _rows(filters=None, as_of=AS_OF):
    return risk_page(filters=filters or RiskFilters(), as_of=as_of).rows


def test_months_before_keeps_the_day_or_takes_the_months_last():
    import datetime as dt

    assert months_before(dt.date(2026, 6, 30), 3) == dt.date(2026, 3, 30)
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 2, 15), 3) == dt.date(2025, 11, 15)


def test_it_computes_days_late_and_its_trend_dispute_rate_and_exposure():
    ledger = risk_ledger()
    risky = customer_risk(ledger["risky"].pk, as_of=AS_OF)
    assert risky.exposure == Decimal("12000.00")
    assert risky.share_used == Decimal("120.0")
    assert risky.over_limit is True
    assert risky.days_late == Decimal("7.4")
    assert (risky.days_late_recent, risky.days_late_prior) == (Decimal("20.0"), Decimal("3.0"))
    assert risky.trend == Decimal("17.0")
    assert (risky.invoices_issued, risky.disputes_raised) == (6, 2)
    assert risky.dispute_rate == Decimal("33.3")
    assert risky.disputed_share == Decimal("10.0")
    assert risky.promises_broken == 2
    assert (risky.score, risky.flagged) == (72, True)


def test_a_customer_without_history_has_no_days_late_and_a_zero_dispute_rate():
    ledger = risk_ledger()
    calm = customer_risk(ledger["calm"].pk, as_of=AS_OF)
    assert (calm.days_late, calm.trend) == (None, None)
    assert (calm.dispute_rate, calm.disputed_share) == (Decimal("0.0"), Decimal("0.0"))
    assert (calm.share_used, calm.over_limit) == (Decimal("10.0"), False)
    assert (calm.score, calm.flagged) == (None, False)


def test_it_lists_customers_with_a_balance_and_sorts_and_filters_them():
    ledger = risk_ledger()
    assert [r.customer.code for r in _rows()] == ["R1", "R2"]  # Paid Up owes nothing
    by_late = _rows(RiskFilters(sort="days_late"))
    assert [r.customer.code for r in by_late] == ["R1", "R2"]  # None last
    assert [r.customer.code for r in _rows(RiskFilters(over_limit_only=True))] == ["R1"]
    assert [r.customer.code for r in _rows(RiskFilters(flagged_only=True))] == ["R1"]
    scope = Scope(segment_id=ledger["segment"].pk)
    assert [r.customer.code for r in _rows(RiskFilters(scope=scope))] == ["R1"]


def test_it_sorts_by_exposure_largest_first():
    risk_ledger()
    big = make_customer("R9", "Big SA")
    make_invoice(big, "B1", "90000.00", issued=AS_OF)
    customer_balances_refresh(as_of=AS_OF)
    assert [r.customer.code for r in _rows()] == ["R9", "R1", "R2"]
    assert [r.customer.code for r in _rows(RiskFilters(sort="over_limit"))] == ["R1", "R2", "R9"]
    # Latest payers first, then the customers without settled invoices by id.
    assert [r.customer.code for r in _rows(RiskFilters(sort="days_late"))] == ["R1", "R2", "R9"]
    scoped = RiskFilters(sort="days_late", over_limit_only=True)
    assert [r.customer.code for r in _rows(scoped)] == ["R1"]


def test_a_page_is_two_queries_whatever_its_length():
    risk_ledger()
    with CaptureQueriesContext(connection) as few:
        _rows()
    for n in range(30):
        customer = make_customer(f"N{n}", f"Nouveau {n}")
        make_invoice(customer, f"N{n}", "100.00", issued=AS_OF)
    customer_balances_refresh(as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        assert len(_rows()) == 32
    assert len(few) == len(many) == 2  # the page's ids in order, then their figures


# Pages and exports -----------------------------------------------------------------------------


def test_the_page_shows_each_customer_with_its_figures_and_link(manager_client):
    from encaisse.core.dates import today

    ledger = risk_ledger(as_of=today())
    html = manager_client.get("/insights/risk/").content.decode()
    assert f'href="/customers/{ledger["risky"].pk}/"' in html
    assert 'data-customer="R1" data-over-limit' in html
    assert "120,0 %" in html
    assert "▲ +17,0" in html
    assert "Paid Up" not in html


def test_the_page_lists_over_limit_customers_only_when_asked(manager_client):
    from encaisse.core.dates import today

    risk_ledger(as_of=today())
    html = manager_client.get("/insights/risk/", {"over_limit": "on"}).content.decode()
    assert 'data-customer="R1"' in html and 'data-customer="R2"' not in html


def test_it_exports_the_risk_view_to_excel_and_csv(manager_client):
    from encaisse.core.dates import today

    risk_ledger(as_of=today())
    response = manager_client.get("/insights/risk/export/xlsx/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["customer_code", "customer_name", "segment", "collector", "exposure"]
    header = rows[0]
    risky = dict(zip(header, rows[1], strict=True))
    assert risky["customer_code"] == "R1"
    assert risky["exposure"] == 12000
    assert risky["over_limit"] == "yes"
    assert risky["days_late_trend"] in ("17.0", 17)
    assert risky["abuse_score"] in ("72", 72)
    assert len(rows) == 3
    csv_response = manager_client.get("/insights/risk/export/csv/", {"flagged": "on"})
    lines = b"".join(csv_response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(
        "R1,Risky SARL,PME à risque,,12000.00,10000.00,120.0,yes"
    )


def test_a_read_only_user_sees_the_view_without_abuse_scores(read_only_client):
    from encaisse.core.dates import today

    risk_ledger(as_of=today())
    html = read_only_client.get("/insights/risk/").content.decode()
    assert 'data-customer="R1"' in html
    assert 'data-col="score"' not in html and "id_flagged" not in html


def test_the_customer_page_shows_the_risk_card(manager_client):
    from encaisse.core.dates import today

    ledger = risk_ledger(as_of=today())
    html = manager_client.get(f"/customers/{ledger['risky'].pk}/").content.decode()
    assert 'id="risk-card"' in html
    assert "120,0 %" in html and "▲ +17,0" in html


URLS = ["/insights/risk/", "/insights/risk/export/csv/", "/insights/risk/export/xlsx/"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["manager_client", "collector_client", "read_only_client"])
def test_it_opens_the_view_and_exports_to_everyone_who_sees_the_ledger(request, persona, url):
    assert request.getfixturevalue(persona).get(url).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_it_refuses_department_members_and_sends_strangers_to_login(department_client, client, url):
    assert department_client.get(url).status_code == 403
    department_client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_refuses_an_unknown_export_format(manager_client):
    assert manager_client.get("/insights/risk/export/pdf/").status_code == 404


def test_the_page_costs_the_same_queries_for_2_or_32_customers(manager_client):
    from encaisse.core.dates import today

    risk_ledger(as_of=today())
    with CaptureQueriesContext(connection) as few:
        manager_client.get("/insights/risk/")
    for n in range(30):
        customer = make_customer(f"N{n}", f"Nouveau {n}")
        make_invoice(customer, f"N{n}", "100.00", issued=today())
    customer_balances_refresh()
    with CaptureQueriesContext(connection) as many:
        html = manager_client.get("/insights/risk/").content.decode()
    assert html.count("data-customer=") == 32
    assert len(few) == len(many)


@pytest.mark.parametrize("sort", ["exposure", "over_limit", "days_late", "score"])
def test_the_export_has_the_pages_figures_in_the_pages_order(sort):
    from encaisse.insights.risk_export import risk_export_rows

    risk_ledger()
    big = make_customer("R9", "Big SA")
    make_invoice(big, "B1", "90000.00", issued=AS_OF)
    customer_balances_refresh(as_of=AS_OF)
    filters = RiskFilters(sort=sort)
    page = [
        (
            r.customer.code,
            r.exposure,
            r.share_used,
            r.days_late,
            r.days_late_recent,
            r.days_late_prior,
            r.invoices_issued,
            r.disputes_raised,
            r.dispute_rate,
            r.disputed_share,
            r.promises_broken,
            r.score,
        )
        for r in _rows(filters)
    ]
    exported = [
        (row[0], row[4], row[6], *row[8:11], *row[12:18])
        for row in risk_export_rows(filters=filters, with_scores=True, as_of=AS_OF)
    ]
    assert exported == page


def _late_payers(day):
    """Four more customers who owe 100: T1 and T2 paid 100.10 and 200.20 3 days late (a tie
    at 3.0 days), T3 50.00 12 days late; T4 has nothing settled."""
    import datetime as dt

    from encaisse.receivables.choices import InvoiceStatus

    for code, amount, late in [("T1", "100.10", 3), ("T2", "200.20", 3), ("T3", "50.00", 12)]:
        customer = make_customer(code, f"Tardif {code}")
        make_invoice(customer, f"{code}-OPEN", "100.00", issued=day)
        due = day - dt.timedelta(days=40)
        make_invoice(
            customer,
            f"{code}-PAID",
            amount,
            open_amount="0",
            issued=due - dt.timedelta(days=30),
            due=due,
            status=InvoiceStatus.SETTLED,
            settled_on=due + dt.timedelta(days=late),
        )
    early = make_customer("T4", "Ponctuel")
    make_invoice(early, "T4-OPEN", "100.00", issued=day)
    customer_balances_refresh(as_of=day)


def test_by_days_late_it_ranks_from_the_snapshots_of_the_day_as_it_ranks_live():
    import datetime as dt

    from encaisse.core.dates import today
    from encaisse.insights.models import SnapshotDelay
    from encaisse.insights.risk import _tenth
    from encaisse.insights.snapshots import snapshots_build
    from encaisse.receivables.choices import InvoiceStatus

    day = today()
    ledger = risk_ledger(as_of=day)
    _late_payers(day)
    by_late = RiskFilters(sort="days_late")
    live = [r.customer.code for r in _rows(by_late, as_of=day)]
    assert live == ["T3", "R1", "T1", "T2", "R2", "T4"]  # T1 and T2 tie: by id
    snapshots_build()
    with CaptureQueriesContext(connection) as queries:
        from_snapshots = [r.customer.code for r in _rows(by_late, as_of=day)]
    assert "insights_snapshotdelay" in queries.captured_queries[-2]["sql"]
    assert from_snapshots == live
    # The snapshot's figures are the live ones.
    for delay in SnapshotDelay.objects.all():
        live_days = customer_risk(delay.customer_id, as_of=day).days_late
        assert _tenth(delay.late_weighted / delay.late_amount) == live_days
    # A settlement moves the ledger: the ranking is computed live again, with it.
    make_invoice(
        ledger["calm"],
        "C-PAID",
        "1000.00",
        open_amount="0",
        issued=day - dt.timedelta(days=60),
        due=day - dt.timedelta(days=30),
        status=InvoiceStatus.SETTLED,
        settled_on=day - dt.timedelta(days=1),
    )
    with CaptureQueriesContext(connection) as queries:
        moved = [r.customer.code for r in _rows(by_late, as_of=day)]
    assert not any("insights_snapshotdelay" in q["sql"] for q in queries.captured_queries)
    assert moved == ["R2", "T3", "R1", "T1", "T2", "T4"]  # Calm SA paid 29 days late
