import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.choices import ActionStatus, PromiseStatus
from encaisse.dunning.models import ActionInvoice, PromiseToPay
from encaisse.dunning.tests.factories import make_scenario
from encaisse.dunning.tests.worklist_factories import make_action
from encaisse.insights.effectiveness import promise_rate, step_effectiveness
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.tests.factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
SENT = dt.date(2026, 3, 1)


def _dunned(customer, step, settled_after: list, status=ActionStatus.DONE):
    """Invoices dunned by ``step`` on 1 March, then settled so many days after (None: never)."""
    invoices = [
        make_invoice(customer, f"F{step.pk}-{status}-{n}", "100.00", issued=dt.date(2026, 1, 10))
        for n in range(len(settled_after))
    ]
    action = make_action(customer, invoices, status=status, due_on=SENT)
    ActionInvoice.objects.filter(action=action).update(step=step)
    for invoice, days in zip(invoices, settled_after, strict=True):
        if days is not None:
            invoice.open_amount, invoice.status = 0, InvoiceStatus.SETTLED
            invoice.settled_on = SENT + dt.timedelta(days=days)
            invoice.save()


def test_it_gives_the_share_paid_within_7_15_and_30_days_after_each_step():
    step = make_scenario().steps.get(offset_days=5)
    customer = make_customer()
    # Four invoices dunned on 1 March: paid after 3, 10 and 20 days, and never.
    _dunned(customer, step, [3, 10, 20, None])
    # A cancelled action does not count.
    _dunned(customer, step, [1], status=ActionStatus.CANCELLED)
    [row] = step_effectiveness(as_of=AS_OF)
    assert (row.step, row.offset_days, row.lines) == ("email 5", 5, 4)
    assert row.paid == {7: Decimal("25.0"), 15: Decimal("50.0"), 30: Decimal("75.0")}


def test_it_counts_promises_kept_partly_kept_and_broken():
    customer = make_customer()
    for status in [PromiseStatus.KEPT] * 3 + [PromiseStatus.BROKEN, PromiseStatus.OPEN]:
        PromiseToPay.objects.create(
            customer=customer,
            amount=Decimal("10"),
            promised_on=dt.date(2026, 5, 1),
            channel="call",
            status=status,
            resolved_on=None if status == PromiseStatus.OPEN else dt.date(2026, 5, 5),
        )
    rate = promise_rate(as_of=AS_OF)
    assert (rate.kept, rate.broken, rate.resolved) == (3, 1, 4)
    assert rate.kept_share == Decimal("75.0")


def test_it_shows_and_exports_the_steps(manager_client):
    step = make_scenario().steps.get(offset_days=5)
    _dunned(make_customer(), step, [3, None])
    page = manager_client.get("/insights/dunning/", {"as_of": AS_OF}).content.decode()
    assert "email 5" in page
    response = manager_client.get("/insights/export/dunning-steps/csv/", {"as_of": AS_OF})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1] == "Test,email 5,5,email,2,50.0,50.0,50.0"
