import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.choices import Channel
from encaisse.dunning.models import PromiseInvoice, PromiseToPay
from encaisse.insights.forecast import OpenItem, cash_forecast, forecast_weeks

from .ledger import AS_OF, worked_ledger


def test_it_spreads_open_items_by_due_date_delay_and_promise():
    as_of = dt.date(2026, 3, 4)  # a Wednesday: week 1 runs from Monday 2 to Sunday 8 March
    items = [
        OpenItem(1, dt.date(2026, 3, 5), Decimal("1000")),  # + 10 days: Sunday 15, week 2
        OpenItem(2, dt.date(2026, 3, 6), Decimal("500")),  # no history: on the due date
        OpenItem(1, dt.date(2026, 2, 10), Decimal("300")),  # 20 Feb: late, date unknown
        OpenItem(2, dt.date(2026, 2, 1), Decimal("200"), promised_on=dt.date(2026, 3, 1)),
        OpenItem(2, dt.date(2026, 7, 1), Decimal("700")),  # after week 13
        OpenItem(2, dt.date(2026, 3, 6), Decimal("0")),
    ]
    forecast = forecast_weeks(items=items, delays={1: 10}, as_of=as_of, disputed=Decimal("50"))
    assert len(forecast.weeks) == 13
    assert forecast.weeks[0].start == dt.date(2026, 3, 2)
    assert forecast.weeks[0].end == dt.date(2026, 3, 8)
    assert [w.amount for w in forecast.weeks[:3]] == [Decimal("700"), Decimal("1000"), 0]
    assert forecast.weeks[0].promised == Decimal("200")
    assert forecast.late == Decimal("300")
    assert forecast.later == Decimal("700")
    assert forecast.disputed == Decimal("50")
    assert forecast.next_weeks(2) == Decimal("1700")


@pytest.mark.django_db
def test_it_forecasts_the_worked_ledger_with_promises_and_disputes_apart():
    ledger = worked_ledger()
    promise = PromiseToPay.objects.create(
        customer=ledger["martin"],
        amount=Decimal("10000.00"),
        promised_on=dt.date(2026, 1, 9),
        channel=Channel.CALL,
    )
    PromiseInvoice.objects.create(
        promise=promise, invoice=ledger["november"], open_amount_at_promise=Decimal("35000.00")
    )
    forecast = cash_forecast(as_of=AS_OF)
    # Week 1 (29 December - 4 January): F-DEC-1, due on Sunday 4 January, Dupont has no history.
    assert forecast.weeks[0].amount == Decimal("40000.00")
    # Week 2: Martin's promise for 10,000 on 9 January.
    assert forecast.weeks[1].amount == Decimal("10000.00")
    assert forecast.weeks[1].promised == Decimal("10000.00")
    # Late: Dupont's October 25,000 and Martin's November rest, 35,000 - 6,000 disputed -
    # 10,000 promised, expected on 14 December (4 days late on average).
    assert forecast.late == Decimal("44000.00")
    assert forecast.disputed == Decimal("6000.00")
    assert forecast.total == Decimal("50000.00")
