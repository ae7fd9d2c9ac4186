import datetime as dt
from decimal import Decimal

import pytest

from encaisse.insights.models import InsightsSettings
from encaisse.insights.queries import Scope
from encaisse.insights.selectors import dso_by, dso_series, kpis

from .ledger import AS_OF, worked_ledger

pytestmark = pytest.mark.django_db


def test_it_computes_the_worked_example_kpis():
    worked_ledger()
    figures = kpis(as_of=AS_OF)
    assert figures.receivables == Decimal("100000.00")
    assert figures.overdue == Decimal("60000.00")
    assert figures.overdue_share == Decimal("60.0")
    assert figures.disputed == Decimal("6000.00")
    assert figures.disputed_share_of_overdue == Decimal("10.0")
    assert figures.dso.ratio == Decimal("73.6")
    assert figures.dso.countback == Decimal("76.5")
    assert figures.average_days_late == Decimal("4.0")


def test_it_follows_the_company_days_basis():
    worked_ledger()
    InsightsSettings.objects.update_or_create(pk=1, defaults={"days_basis": 360})
    figures = kpis(as_of=AS_OF)
    assert figures.dso.ratio == Decimal("72.0")
    assert figures.dso.countback == Decimal("75.0")


def test_it_reconstructs_past_month_ends_from_settlement_dates():
    worked_ledger()
    points = dso_series(as_of=AS_OF, months=3)
    assert [p.day for p in points] == [
        dt.date(2025, 10, 31),
        dt.date(2025, 11, 30),
        AS_OF,
    ]
    # 31 October: all 50,000 of October owed; 1 month of revenue, October exhausted at once.
    assert points[0].receivables == Decimal("50000.00")
    assert points[0].dso.countback == Decimal("31.0")
    # 30 November: 15,000 and 10,000 paid on 10 and 25 November; 25,000 + 35,000 owed.
    assert points[1].receivables == Decimal("60000.00")
    assert points[1].dso.countback == Decimal("30") + Decimal("25000") / Decimal("50000") * 31
    assert points[2].dso.countback == Decimal("76.5")


def test_it_narrows_figures_to_a_segment_and_a_collector(collector):
    ledger = worked_ledger(collector=collector)
    by_segment = kpis(as_of=AS_OF, scope=Scope(segment_id=ledger["segment"].pk))
    assert by_segment.receivables == Decimal("65000.00")
    assert by_segment.overdue == Decimal("25000.00")
    assert by_segment.disputed == Decimal("0.00")
    by_collector = kpis(as_of=AS_OF, scope=Scope(collector_id=collector.pk))
    assert by_collector.receivables == Decimal("65000.00")


def test_it_ranks_customers_by_receivables_with_their_own_dso():
    worked_ledger()
    rows = dso_by(group="customer", as_of=AS_OF)
    assert [row.label for row in rows] == ["Dupont SA (C1)", "Martin SARL (C2)"]
    dupont, martin = rows
    # Dupont: 65,000 owed; December 40,000 (31 days), nothing in November (30 days),
    # October 25,000 exhausted (31 days).
    assert dupont.receivables == Decimal("65000.00")
    assert dupont.dso.countback == Decimal("92.0")
    assert martin.dso.countback == Decimal("30.0") + Decimal("31")  # Dec empty, Nov exhausted
    assert martin.average_days_late == Decimal("4.0")
