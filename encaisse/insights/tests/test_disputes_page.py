"""/insights/disputes/ against the disputes statistics fixture worked out by hand
(encaisse/disputes/tests/stats_fixture.py, as of 1 April 2026): seven disputes raised in March
2026 for 2,200.00, six resolved in March (1,250.00), one of 950.00 still open; median 5 days,
90th percentile 15; 5 of the 6 resolved by their target date; 4 of 6 founded; 42,050 cash-days.
The default period (12 months) runs from 1 May 2025 to 1 April 2026."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from encaisse.accounts.models import Department
from encaisse.customers.models import Customer, Segment
from encaisse.disputes.models_preventive import ActionStatus
from encaisse.disputes.services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
)
from encaisse.disputes.tests import stats_fixture
from encaisse.disputes.tests.factories import cause
from encaisse.insights.disputes import disputes_overview, stats_filters
from encaisse.insights.queries import Scope

pytestmark = pytest.mark.django_db

AS_OF = stats_fixture.AS_OF
URL = "/insights/disputes/"


def _filters(**scope):
    return stats_filters(
        as_of=AS_OF,
        start=dt.date(2025, 5, 1),
        scope=Scope(**{k: v for k, v in scope.items() if k != "department"}),
        department=scope.get("department"),
    )


def test_it_computes_the_headline_figures_and_the_monthly_flow(collector):
    stats_fixture.build(collector)
    overview = disputes_overview(user=collector, filters=_filters())
    total = overview.total
    assert (total.count, total.amount, total.resolved) == (7, Decimal("2200.00"), 6)
    assert (total.median_days, total.p90_days) == (5.0, 15.0)
    assert (total.within_deadline, total.founded, overview.unfounded) == (0.8333, 0.6667, 0.3333)
    assert total.cash_days == Decimal("42050.00")
    assert (overview.open.count, overview.open.amount) == (1, Decimal("950.00"))
    assert [f.month for f in overview.flow][0] == "2025-05"
    assert len(overview.flow) == 12
    march = next(f for f in overview.flow if f.month == "2026-03")
    assert (march.raised, march.raised_amount, march.resolved, march.resolved_amount) == (
        7,
        Decimal("2200.00"),
        6,
        Decimal("1250.00"),
    )
    assert sum(f.raised for f in overview.flow) == 7
    assert [r.label for r in overview.groups["department"]] == ["Facturation", "Logistique"]
    assert [(r.rank, r.value) for r in overview.pareto_amount][:2] == [
        (1, Decimal("400.00")),
        (2, Decimal("350.00")),
    ]
    assert [r.value for r in overview.pareto_count] == [2, 2, 1, 1]


def test_it_follows_the_top_causes_before_and_after_their_preventive_action(collector):
    stats_fixture.build(collector)
    action = preventive_action_create(
        actor=collector,
        root_cause=cause("billing-error"),
        description="Contrôle des remises à la saisie",
        due_on=dt.date(2026, 3, 20),
    )
    preventive_action_set_status(
        actor=collector, action=action, status=ActionStatus.DONE, done_on=dt.date(2026, 3, 3)
    )
    filters = stats_filters(as_of=AS_OF, start=dt.date(2026, 3, 1), scope=Scope(), department=None)
    top = disputes_overview(user=collector, filters=filters).top
    assert [(c.rank, c.label, c.trend is not None) for c in top] == [
        (1, "Erreur ou malentendu du client", False),
        (2, "Tarif ou remise mal paramétré", False),
        (3, "Erreur de facturation", True),
        (4, "Erreur de préparation", False),
    ]
    billing = top[2]
    # 2 disputes in the 2 days before 3 March (30 per 30 days), none in the 30 days since.
    assert (billing.trend.before_per_30_days, billing.trend.after_per_30_days) == (30.0, 0.0)
    assert billing.change == -1.0


def test_it_filters_by_segment_collector_and_department(collector, credit_manager):
    stats_fixture.build(collector)
    public = Segment.objects.get(code="public")
    assert (
        disputes_overview(user=collector, filters=_filters(segment_id=public.pk)).total.count == 2
    )
    Customer.objects.filter(code="C1").update(collector=credit_manager)
    overview = disputes_overview(user=collector, filters=_filters(collector_id=credit_manager.pk))
    assert (overview.total.count, overview.open.amount) == (5, Decimal("950.00"))
    overview = disputes_overview(user=collector, filters=_filters(department="logistics"))
    assert (overview.total.count, overview.open.count) == (2, 0)


def test_the_page_shows_the_figures_charts_and_links(manager_client, collector):
    stats_fixture.build(collector)
    html = manager_client.get(URL, {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-kpi="raised">7<' in html
    assert 'data-kpi="open-amount">950,00 €<' in html
    assert 'data-kpi="median">5.0 jours<' in html or 'data-kpi="median">5,0 jours<' in html
    assert 'data-kpi="within-deadline">83 %<' in html
    assert 'data-kpi="founded">67 % / 33 %<' in html
    assert 'data-kpi="cash-days">42\u202f050 €·jours<' in html
    for chart in ("flow-chart", "resolution-chart", "cash-days-chart", "pareto-amount-chart"):
        assert f'id="{chart}"' in html
    assert 'id="pareto-count-chart"' in html
    assert "/disputes/statistics/?raised_from=2025-05-01&amp;raised_to=2026-04-01" in html
    assert 'id="insights-disputes-tab"' in html


def test_the_department_filter_narrows_the_page(manager_client, collector):
    stats_fixture.build(collector)
    html = manager_client.get(
        URL, {"as_of": AS_OF.isoformat(), "department": "logistics"}
    ).content.decode()
    assert 'data-kpi="raised">2<' in html
    assert "department=logistics" in html  # the links carry it


@pytest.mark.parametrize("persona", ["manager_client", "collector_client", "read_only_client"])
def test_everyone_who_reads_disputes_sees_every_department(request, persona, collector):
    stats_fixture.build(collector)
    client = request.getfixturevalue(persona)
    html = client.get(URL, {"as_of": AS_OF.isoformat()}).content.decode()
    assert 'data-kpi="raised">7<' in html
    response = client.get(f"{URL}export/department/xlsx/", {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200


def test_a_department_member_sees_their_department_only(department_client, collector):
    stats_fixture.build(collector)
    response = department_client.get(URL, {"as_of": AS_OF.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kpi="raised">5<' in html
    assert "Logistique" not in html.split('id="by-department"')[1].split("</table>")[0]
    # Asking for another department's figures gives nothing of it.
    html = department_client.get(
        URL, {"as_of": AS_OF.isoformat(), "department": "logistics"}
    ).content.decode()
    assert 'data-kpi="raised">5<' in html  # the foreign choice is ignored
    assert "insights:dashboard" not in html and 'href="/insights/?' not in html
    response = department_client.get(f"{URL}export/department/csv/", {"as_of": AS_OF})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["Facturation", "Total"]


def test_strangers_go_to_the_login_page(client):
    for url in (URL, f"{URL}export/category/csv/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_table_or_format_is_not_found(manager_client):
    assert manager_client.get(f"{URL}export/nothing/csv/").status_code == 404
    assert manager_client.get(f"{URL}export/category/pdf/").status_code == 404


@pytest.mark.parametrize(
    "table",
    [
        "category",
        "reason-code",
        "department",
        "root-cause",
        "customer",
        "month",
        "pareto-amount",
        "pareto-count",
        "flow",
        "top-causes",
    ],
)
def test_every_table_exports_to_excel_with_the_filters(manager_client, collector, table):
    stats_fixture.build(collector)
    response = manager_client.get(
        f"{URL}export/{table}/xlsx/", {"as_of": AS_OF.isoformat(), "department": "billing"}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="disputes-{table}-2026-04-01.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] in ("group", "rank", "month")
    if table in ("category", "department", "customer", "reason-code", "month"):
        assert rows[-1][:3] == ["Total", 5, 2000]  # the billing department's disputes
    if table == "flow":
        assert (
            len(rows) == 13
            and rows[11]
            == [
                "2026-03",
                5,
                2000,
                4,
                1050,
            ][:5]
        )
    if table == "pareto-amount":
        assert [r[1] for r in rows[1:]] == [
            "Erreur ou malentendu du client",
            "Tarif ou remise mal paramétré",
            "Erreur de facturation",
        ]


def test_the_form_offers_a_department_member_their_own_department(department_client):
    html = department_client.get(URL).content.decode()
    options = html.split('id="id_department"')[1].split("</select>")[0]
    assert "Facturation" in options and "Logistique" not in options
    assert Department.objects.filter(code="logistics").exists()


def test_the_department_narrows_the_dashboards_disputes_due_and_says_so(manager_client):
    from encaisse.insights.tests.ledger import AS_OF as LEDGER_AS_OF
    from encaisse.insights.tests.ledger import worked_ledger

    worked_ledger()  # one dispute (reason A1: billing) past its target date
    query = {"as_of": LEDGER_AS_OF.isoformat()}
    html = manager_client.get("/insights/", {**query, "department": "billing"}).content.decode()
    assert 'data-work="disputes">1<' in html
    assert 'data-kpi="receivables">100\u202f000,00 €' in html  # the ledger ignores it
    assert 'id="department-note"' in html
    html = manager_client.get("/insights/", {**query, "department": "logistics"}).content.decode()
    assert 'data-work="disputes">0<' in html


@pytest.mark.parametrize("url", ["/insights/", "/insights/dso/", "/insights/dunning/", URL])
def test_every_insights_page_shares_the_tabs_and_the_filters(manager_client, url):
    html = manager_client.get(url).content.decode()
    assert 'id="insights-tabs"' in html and 'id="insights-disputes-tab"' in html
    for field in ("as_of", "months", "segment", "collector", "department"):
        assert f'id="id_{field}"' in html


def test_a_department_member_reaches_the_page_from_the_menu(department_client):
    html = department_client.get("/").content.decode()
    assert 'id="nav-insights-disputes" href="/insights/disputes/"' in html or (
        'href="/insights/disputes/" id="nav-insights-disputes"' in html
    )


def test_the_page_reads_a_fixed_number_of_statements(manager_client, collector):
    """Six statistics statements (two on SQLite, with its percentile counts) and a few more,
    however many disputes and customers: nothing is read per row."""
    stats_fixture.build(collector)
    manager_client.get(URL)  # the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        manager_client.get(URL, {"as_of": AS_OF.isoformat()})
    for n in range(3):  # three more customers with a dispute each
        customer = stats_fixture.make_customer(f"X{n}", f"Client {n}")
        invoice = stats_fixture.make_invoice(customer, f"X{n}", "100.00")
        stats_fixture.open_dispute(collector, customer=customer, lines=[(invoice, "10.00")])
    with CaptureQueriesContext(connection) as again:
        manager_client.get(URL, {"as_of": AS_OF.isoformat()})
    assert len(again) == len(first) <= 40
