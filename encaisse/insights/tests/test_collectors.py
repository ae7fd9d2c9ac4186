"""Collectors' activity and cash collected, against a small ledger worked out by hand.

Period: April to June 2026 (as of 30 June, 3 months). Colin collects Dupont (C1, SME), Claire
Martin (C2, public).

- Actions done in the period: Colin three calls on 10 May (reached, not reached, payment
  confirmed: 2 reached) and an email sent by the system on 1 June, assigned to him; Claire a
  letter on 15 June (an action assigned to Colin that she did) and a formal notice at 23:30 on
  30 June (Paris). Left out: Colin's call of 31 March, a formal notice at 00:30 on 1 July
  (Paris; still 30 June in UTC), a planned call and a cancelled email.
- Promises: Colin took one on 10 April (kept 1 May) and one on 1 June (open), and one of
  1 February was broken on 5 April: 2 obtained, 1 kept of 2 resolved = 50 %. Claire took one on
  1 May, partly kept on 1 June: 1 obtained, 0 kept of 1 = 0 %.
- Cash: on Dupont's invoice, a payment of 600 allocated 15 May and a credit note of 200 on
  20 June (a payment of 100 allocated 15 March is before the period): Colin 600 + 200 = 800.
  On Martin's, a payment of 300 on 30 June: Claire 300."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from encaisse.customers.models import Segment
from encaisse.dunning.choices import ActionStatus, CallOutcome, Channel, PromiseStatus
from encaisse.dunning.models import PromiseToPay
from encaisse.dunning.tests.worklist_factories import make_action
from encaisse.insights.collectors import collector_activity
from encaisse.insights.queries import Scope
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Allocation, Payment
from encaisse.receivables.tests.factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AS_OF, START = dt.date(2026, 6, 30), dt.date(2026, 4, 1)


def _at(day, hour=12, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def _done(customer, invoice, channel, when, *, by=None, assigned=None, outcome=""):
    return make_action(
        customer,
        [invoice],
        channel=channel,
        status=ActionStatus.DONE,
        assigned_to=assigned,
        done_by=by,
        done_at=when,
        outcome=outcome,
        due_on=when.date(),
    )


def _promise(customer, by, taken, status, resolved=None):
    promise = PromiseToPay.objects.create(
        customer=customer,
        amount=Decimal("100.00"),
        promised_on=taken.date() + dt.timedelta(days=10),
        channel=Channel.CALL,
        taken_by=by,
        status=status,
        resolved_on=resolved,
    )
    PromiseToPay.objects.filter(pk=promise.pk).update(taken_at=taken)


def _allocate(invoice, amount, day, *, credit_note=None):
    payment = None
    if credit_note is None:
        payment = Payment.objects.create(
            customer=invoice.customer,
            reference=f"VIR-{day.isoformat()}-{amount}",
            received_on=day,
            amount=Decimal(amount),
            unallocated_amount=0,
            source=Source.MANUAL,
        )
    Allocation.objects.create(
        invoice=invoice,
        payment=payment,
        credit_note=credit_note,
        amount=Decimal(amount),
        allocated_on=day,
    )


def build(colin, claire) -> dict:
    dupont = make_customer(
        "C1", "Dupont SA", collector=colin, segment=Segment.objects.get(code="sme")
    )
    martin = make_customer(
        "C2", "Martin SARL", collector=claire, segment=Segment.objects.get(code="public")
    )
    f1 = make_invoice(dupont, "F1", "1000.00")
    f2 = make_invoice(martin, "F2", "500.00")
    may10 = _at(dt.date(2026, 5, 10))
    for outcome in (CallOutcome.REACHED, CallOutcome.NOT_REACHED, CallOutcome.PAYMENT_CONFIRMED):
        _done(dupont, f1, Channel.CALL, may10, by=colin, assigned=colin, outcome=outcome)
    _done(dupont, f1, Channel.CALL, _at(dt.date(2026, 3, 31)), by=colin, outcome="reached")
    _done(dupont, f1, Channel.EMAIL, _at(dt.date(2026, 6, 1), 5), assigned=colin)
    _done(martin, f2, Channel.LETTER, _at(dt.date(2026, 6, 15)), by=claire, assigned=colin)
    _done(martin, f2, Channel.FORMAL_NOTICE, _at(AS_OF, 23, 30), by=claire)
    _done(martin, f2, Channel.FORMAL_NOTICE, _at(dt.date(2026, 7, 1), 0, 30), by=claire)
    make_action(dupont, [f1], channel=Channel.CALL, assigned_to=colin)  # planned
    make_action(dupont, [f1], channel=Channel.EMAIL, status=ActionStatus.CANCELLED)
    _promise(dupont, colin, _at(dt.date(2026, 4, 10)), PromiseStatus.KEPT, dt.date(2026, 5, 1))
    _promise(dupont, colin, _at(dt.date(2026, 6, 1)), PromiseStatus.OPEN)
    _promise(dupont, colin, _at(dt.date(2026, 2, 1)), PromiseStatus.BROKEN, dt.date(2026, 4, 5))
    _promise(
        martin, claire, _at(dt.date(2026, 5, 1)), PromiseStatus.PARTLY_KEPT, dt.date(2026, 6, 1)
    )
    _allocate(f1, "600.00", dt.date(2026, 5, 15))
    _allocate(f1, "100.00", dt.date(2026, 3, 15))
    _allocate(f1, "200.00", dt.date(2026, 6, 20), credit_note=make_credit_note(dupont))
    _allocate(f2, "300.00", AS_OF)
    return {"dupont": dupont, "martin": martin}


def _figures(row):
    return (
        row.calls,
        row.calls_reached,
        row.emails,
        row.letters,
        row.formal_notices,
        row.promises_obtained,
        row.promises_kept,
        row.promises_resolved,
        row.kept_share,
        row.cash_payments,
        row.cash_credit_notes,
        row.cash_collected,
    )


COLIN = (
    3,
    2,
    1,
    0,
    0,
    2,
    1,
    2,
    Decimal("50.0"),
    Decimal("600.00"),
    Decimal("200.00"),
    Decimal("800.00"),
)
CLAIRE = (
    0,
    0,
    0,
    1,
    1,
    1,
    0,
    1,
    Decimal("0.0"),
    Decimal("300.00"),
    Decimal("0.00"),
    Decimal("300.00"),
)


def test_it_counts_each_collectors_actions_promises_and_cash(collector, credit_manager):
    build(collector, credit_manager)
    rows = collector_activity(start=START, end=AS_OF)
    assert [(r.user_id, r.name) for r in rows] == [
        (collector.pk, "colin"),
        (credit_manager.pk, "claire"),
    ]
    assert [_figures(r) for r in rows] == [COLIN, CLAIRE]
    assert rows[0].reached_share == Decimal("66.7")


def test_it_narrows_to_a_segment_and_to_a_collector(collector, credit_manager):
    ledger = build(collector, credit_manager)
    public = Scope(segment_id=ledger["martin"].segment_id)
    rows = collector_activity(start=START, end=AS_OF, scope=public)
    assert [(r.name, _figures(r)) for r in rows] == [("claire", CLAIRE)]
    rows = collector_activity(start=START, end=AS_OF, scope=Scope(collector_id=collector.pk))
    assert [(r.name, _figures(r)) for r in rows] == [("colin", COLIN)]


def test_the_dunning_page_shows_and_exports_the_collectors(
    manager_client, collector, credit_manager
):
    build(collector, credit_manager)
    query = {"as_of": AS_OF.isoformat(), "months": "3"}
    html = manager_client.get("/insights/dunning/", query).content.decode()
    assert 'id="collectors-chart"' in html
    assert f'data-collector="{collector.pk}"' in html
    assert "800,00" in html and "1\u202f100,00" in html  # Colin's cash, and the total
    response = manager_client.get("/insights/export/dunning-collectors/xlsx/", query)
    assert response["Content-Disposition"] == (
        'attachment; filename="dunning-collectors-2026-06-30.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["collector", "calls", "calls_reached", "emails"]
    assert rows[1] == ["colin", 3, 2, 1, 0, 0, 2, 2, 1, 50.0, 600, 200, 800]
    assert rows[3] == ["Total", 3, 2, 1, 1, 1, 3, 3, 1, 33.3, 900, 200, 1100]
    csv = manager_client.get(
        "/insights/export/dunning-collectors/csv/", {**query, "collector": credit_manager.pk}
    )
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[1] == "claire,0,0,0,1,1,1,1,0,0.0,300.00,0.00,300.00"


@pytest.mark.parametrize("persona", ["collector_client", "read_only_client"])
def test_collectors_and_read_only_users_see_it_too(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get("/insights/dunning/").status_code == 200
    assert client.get("/insights/export/dunning-collectors/csv/").status_code == 200


def test_department_members_do_not(department_client):
    assert department_client.get("/insights/dunning/").status_code == 403
    assert department_client.get("/insights/export/dunning-collectors/xlsx/").status_code == 403
