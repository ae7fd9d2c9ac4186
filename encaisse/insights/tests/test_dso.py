"""DSO arithmetic on the worked examples of the research notes (no database)."""

import datetime as dt
from decimal import Decimal

from encaisse.insights.dso import Month, dso_countback, dso_ratio, month_windows, share


def _quarter(basis: int) -> list[Month]:
    windows = month_windows(dt.date(2026, 12, 31), 3, basis=basis)
    revenues = [Decimal("40000"), Decimal("35000"), Decimal("50000")]
    return [Month(m.start, m.end, m.days, r) for m, r in zip(windows, revenues, strict=True)]


def test_it_counts_calendar_days_or_thirty_day_months():
    assert [m.days for m in month_windows(dt.date(2026, 12, 31), 3, basis=365)] == [31, 30, 31]
    assert [m.days for m in month_windows(dt.date(2026, 12, 31), 3, basis=360)] == [30, 30, 30]
    partial = month_windows(dt.date(2026, 3, 10), 2, basis=365)
    assert (partial[0].start, partial[0].end, partial[0].days) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 10),
        10,
    )
    assert (partial[1].start, partial[1].days) == (dt.date(2026, 2, 1), 28)


def test_it_exhausts_revenue_backwards_for_the_count_back_method():
    # 100,000 owed: December 31 days, November 30 days, 25,000 / 50,000 of October's 31 days.
    result = dso_countback(receivables=Decimal("100000"), months=_quarter(365))
    assert result.days == Decimal("76.5")
    assert result.exhausted
    assert dso_countback(receivables=Decimal("100000"), months=_quarter(360)).days == Decimal(
        "75.0"
    )


def test_it_divides_receivables_by_the_period_revenue_for_the_ratio_method():
    # 100,000 / 125,000 × 92 days.
    assert dso_ratio(receivables=Decimal("100000"), months=_quarter(365)) == Decimal("73.6")
    # Divalto's example: 30,000 owed, 60,000 sold over 90 days (three 30-day months).
    months = [
        Month(m.start, m.end, m.days, Decimal("20000"))
        for m in month_windows(dt.date(2026, 6, 30), 3, basis=360)
    ]
    assert dso_ratio(receivables=Decimal("30000"), months=months) == Decimal("45.0")


def test_it_says_when_the_history_runs_out_before_the_receivables():
    result = dso_countback(receivables=Decimal("200000"), months=_quarter(365))
    assert result.days == Decimal("92.0")
    assert not result.exhausted


def test_it_has_no_ratio_without_revenue_and_zero_days_without_receivables():
    empty = [Month(m.start, m.end, m.days) for m in _quarter(365)]
    assert dso_ratio(receivables=Decimal("100"), months=empty) is None
    assert dso_countback(receivables=Decimal("0"), months=_quarter(365)).days == 0
    assert share(Decimal("25"), Decimal("0")) is None
    assert share(Decimal("1"), Decimal("3")) == Decimal("33.3")
