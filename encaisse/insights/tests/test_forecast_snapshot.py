"""The figures of the day stored with the snapshots: on the day they were built, the cash
forecast read from them (the stored forecast, the stored corrections for disputes and promises,
those of the customers whose disputes or promises changed since computed live) is the live
forecast, to the cent, before and after a dispute is opened or resolved or a promise recorded
or settled, and after the worker writes the changed customers' corrections again; the position
read from them is the live position."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from encaisse.core.dates import today
from encaisse.customers.models import Segment
from encaisse.disputes.choices import Outcome
from encaisse.disputes.services.transitions import dispute_resolve
from encaisse.disputes.tests.factories import open_dispute
from encaisse.dunning.choices import Channel, PromiseStatus
from encaisse.dunning.models import PromiseInvoice, PromiseToPay
from encaisse.insights.forecast import cash_forecast
from encaisse.insights.forecast_store import changed_customers
from encaisse.insights.models import (
    SnapshotForecast,
    SnapshotForecastCorrection,
    SnapshotPosition,
    SnapshotState,
)
from encaisse.insights.queries import Scope
from encaisse.insights.selectors import kpis
from encaisse.insights.snapshots import fresh_state, snapshots_build, snapshots_refresh
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def _ledger(collector):
    """Three customers with a history of late payment (so their invoices are expected later
    than their due dates), open invoices late, due within the 13 weeks and after them, a
    partial dispute on one and a promise on another's."""
    day = today()
    key = Segment.objects.create(code="key", name="Grands comptes")
    customers = [
        make_customer("C1", "Dupont SA", segment=key, collector=collector),
        make_customer("C2", "Martin SARL", collector=collector),
        make_customer("C3", "Bernard SAS"),
    ]
    invoices = {}
    for index, customer in enumerate(customers):
        due = day - dt.timedelta(days=60)
        make_invoice(
            customer,
            f"H-{index}",
            "1000.00",
            open_amount="0",
            issued=due - dt.timedelta(days=30),
            due=due,
            status=InvoiceStatus.SETTLED,
            settled_on=due + dt.timedelta(days=5 + 7 * index),
        )
        for offset in (-40, -3, 0, 4, 20, 45, 88, 120):
            number = f"F-{index}-{offset}"
            due = day + dt.timedelta(days=offset)
            invoices[number] = make_invoice(
                customer,
                number,
                f"{1000 + 37 * index + offset}.{index}5",
                issued=min(due, day) - dt.timedelta(days=30),
                due=due,
            )
    dispute = open_dispute(
        customer=customers[1],
        lines=[(invoices["F-1-4"], "400.00"), (invoices["F-1--40"], "50.10")],
        raised_on=day - dt.timedelta(days=2),
    )
    promise = _promise(customers[2], [invoices["F-2--3"], invoices["F-2-20"]], "1500.00", days=6)
    return {
        "customers": customers,
        "invoices": invoices,
        "segment": key,
        "dispute": dispute,
        "promise": promise,
    }


def _promise(customer, invoices, amount, *, days):
    promise = PromiseToPay.objects.create(
        customer=customer,
        amount=Decimal(amount),
        promised_on=today() + dt.timedelta(days=days),
        channel=Channel.CALL,
    )
    for invoice in invoices:
        PromiseInvoice.objects.create(
            promise=promise, invoice=invoice, open_amount_at_promise=invoice.open_amount
        )
    return promise


def _live(**kwargs):
    """The forecast computed from the ledger alone, the snapshots set aside."""
    state = SnapshotState.objects.get(pk=1)
    SnapshotState.objects.all().delete()
    try:
        return cash_forecast(**kwargs)
    finally:
        state.save()


def test_it_gives_the_live_forecast_from_the_stored_one(collector):
    ledger = _ledger(collector)
    scopes = [Scope(), Scope(segment_id=ledger["segment"].pk), Scope(collector_id=collector.pk)]
    live = [cash_forecast(scope=scope) for scope in scopes]
    # the promise falls in this week or the next, depending on the weekday
    assert live[0].late and live[0].later and live[0].disputed
    assert any(week.promised for week in live[0].weeks)
    snapshots_build()
    assert fresh_state() is not None
    assert SnapshotForecast.objects.exists()
    assert [cash_forecast(scope=scope) for scope in scopes] == live


def test_it_reads_the_open_invoices_from_the_stored_forecast(collector):
    _ledger(collector)
    snapshots_build()
    before = cash_forecast()
    row = SnapshotForecast.objects.filter(expected_on__gt=today()).order_by("expected_on").first()
    SnapshotForecast.objects.filter(pk=row.pk).update(amount=row.amount + Decimal("100.00"))
    assert cash_forecast().total == before.total + Decimal("100.00")


def test_it_stays_live_when_a_dispute_or_a_promise_follows_the_build(collector):
    ledger = _ledger(collector)
    snapshots_build()
    invoices, customers = ledger["invoices"], ledger["customers"]
    open_dispute(
        customer=customers[0],
        lines=[(invoices["F-0-45"], "900.00"), (invoices["F-0-0"], "1000.00")],
        raised_on=today(),
    )
    _promise(customers[1], [invoices["F-1-88"]], "500.00", days=10)
    assert fresh_state() is not None
    stored = cash_forecast()
    assert stored == _live()
    assert stored.disputed == Decimal("2350.10")


def test_it_stays_live_when_a_dispute_is_resolved_or_a_promise_settled(collector):
    ledger = _ledger(collector)
    scopes = [Scope(), Scope(segment_id=ledger["segment"].pk), Scope(collector_id=collector.pk)]
    snapshots_build()
    assert changed_customers() == []
    dispute_resolve(
        actor=collector, dispute=ledger["dispute"], outcome=Outcome.WITHDRAWN, founded=False
    )
    # The dunning run settles promises in one UPDATE (no service per promise).
    PromiseToPay.objects.filter(pk=ledger["promise"].pk).update(
        status=PromiseStatus.BROKEN, resolved_on=today()
    )
    customers = ledger["customers"]
    assert changed_customers() == [customers[1].pk, customers[2].pk]
    stored = [cash_forecast(scope=scope) for scope in scopes]
    assert stored == [_live(scope=scope) for scope in scopes]
    assert stored[0].disputed == 0 and not any(week.promised for week in stored[0].weeks)


def test_it_writes_the_changed_customers_corrections_again(collector):
    ledger = _ledger(collector)
    snapshots_build()
    invoices, customers = ledger["invoices"], ledger["customers"]
    open_dispute(customer=customers[0], lines=[(invoices["F-0-20"], "300.00")], raised_on=today())
    _promise(customers[1], [invoices["F-1-88"]], "500.00", days=10)
    PromiseToPay.objects.filter(pk=ledger["promise"].pk).update(
        status=PromiseStatus.BROKEN, resolved_on=today()
    )
    assert changed_customers() == sorted(customer.pk for customer in customers)
    live = _live()
    # The worker's job, while the snapshots hold: only the corrections are written again.
    assert snapshots_refresh() is False
    assert changed_customers() == []
    assert cash_forecast() == live
    # Read from the stored rows, not computed again: a stored row changed shows.
    within = [today(), today() + dt.timedelta(days=60)]
    row = SnapshotForecastCorrection.objects.filter(expected_on__range=within).first()
    SnapshotForecastCorrection.objects.filter(pk=row.pk).update(amount=row.amount + 7)
    assert cash_forecast().total == live.total + 7


def test_it_reads_the_position_of_the_day_from_the_snapshots(collector):
    ledger = _ledger(collector)
    live = kpis()
    snapshots_build()
    assert kpis() == live
    SnapshotPosition.objects.filter(segment_id=ledger["segment"].pk).update(
        open=F("open") + Decimal("10.00")
    )
    assert kpis().receivables == live.receivables + Decimal("10.00")
    assert kpis(as_of=today() - dt.timedelta(days=1)).receivables != kpis().receivables
