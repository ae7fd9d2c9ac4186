"""The monthly snapshots: the figures read from them are those of the live computation, before
any snapshot exists, once built, and after the ledger moves (a back-dated import, a customer
moved to another collector) until the worker builds them again."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from encaisse.core.dates import today
from encaisse.core.schedule import SCHEDULE
from encaisse.imports.choices import ImportMode
from encaisse.imports.tests.apply_builders import item, ledger, run
from encaisse.insights.forecast import cash_forecast
from encaisse.insights.models import SnapshotMonth, SnapshotState
from encaisse.insights.queries import Scope
from encaisse.insights.selectors import dso_by, dso_series, kpis
from encaisse.insights.snapshots import fresh_state, snapshots_build, snapshots_refresh
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus, Source
from encaisse.receivables.models import Payment
from encaisse.receivables.tests.factories import make_customer, make_invoice

from .ledger import AS_OF, worked_ledger

pytestmark = pytest.mark.django_db


def _history(collector):
    """The worked example plus two years of settled history, a credit note and cash on
    account, over two collectors and two segments."""
    ledger_ = worked_ledger(collector=collector)
    other = make_customer("C3", "Bernard SAS", collector=collector)
    start = today().replace(day=1) - dt.timedelta(days=700)
    for index in range(30):
        issued = start + dt.timedelta(days=23 * index)
        due = issued + dt.timedelta(days=30)
        settled = due + dt.timedelta(days=(index * 7) % 45 - 10)
        customer = (ledger_["dupont"], ledger_["martin"], other)[index % 3]
        if settled < today():
            make_invoice(
                customer,
                f"H-{index}",
                f"{1000 + 137 * index}.25",
                open_amount="0",
                issued=issued,
                due=due,
                status=InvoiceStatus.SETTLED,
                settled_on=settled,
            )
        else:
            make_invoice(customer, f"H-{index}", f"{500 + index}.10", issued=issued, due=due)
    make_invoice(
        other,
        "AV-1",
        "-300.00",
        kind=InvoiceKind.CREDIT_NOTE,
        issued=start + dt.timedelta(days=200),
        due=start + dt.timedelta(days=200),
    )
    Payment.objects.create(
        customer=other,
        reference="VIR-1",
        received_on=start + dt.timedelta(days=300),
        amount=Decimal("800.00"),
        unallocated_amount=Decimal("450.00"),
        source=Source.MANUAL,
    )
    return ledger_


def _figures(as_of, scope=None):
    scope = scope or Scope()
    return {
        "kpis": kpis(as_of=as_of, scope=scope),
        "series": dso_series(as_of=as_of, scope=scope, months=12),
        "segments": dso_by(group="segment", as_of=as_of, scope=scope),
        "collectors": dso_by(group="collector", as_of=as_of, scope=scope),
        "customers": dso_by(group="customer", as_of=as_of, scope=scope, limit=2),
        "forecast": cash_forecast(as_of=as_of, scope=scope),
    }


@pytest.mark.parametrize("as_of", [AS_OF, None])
def test_it_gives_the_live_figures_from_the_snapshots(collector, as_of):
    _history(collector)
    as_of = as_of or today()
    live = _figures(as_of)
    snapshots_build()
    assert fresh_state() is not None
    assert _figures(as_of) == live


def test_it_gives_the_live_figures_of_a_scope_from_the_snapshots(collector):
    ledger_ = _history(collector)
    scopes = [Scope(segment_id=ledger_["segment"].pk), Scope(collector_id=collector.pk)]
    live = [_figures(AS_OF, scope) for scope in scopes]
    snapshots_build()
    assert [_figures(AS_OF, scope) for scope in scopes] == live


def test_it_reads_closed_months_from_the_snapshots(collector):
    worked_ledger(collector=collector)
    snapshots_build()
    SnapshotMonth.objects.filter(month=dt.date(2025, 12, 1)).update(revenue=Decimal("0.00"))
    assert dso_series(as_of=AS_OF, months=1)[0].revenue == Decimal("0.00")  # live: 40,000


def test_it_computes_live_before_any_snapshot_exists(collector):
    worked_ledger(collector=collector)
    assert fresh_state() is None
    figures = kpis(as_of=AS_OF)
    assert figures.dso.countback == Decimal("76.5")
    assert figures.average_days_late == Decimal("4.0")


def test_it_stays_exact_after_a_back_dated_import_and_rebuilds(collector):
    _history(collector)
    snapshots_build()
    before = kpis(as_of=AS_OF).receivables
    back_dated = [
        item("IMP-1", "C2", "4000.00", issued=dt.date(2025, 11, 3), due=dt.date(2025, 12, 3)),
        item("IMP-2", "C9", "900.00", "0", issued=dt.date(2025, 6, 3), due=dt.date(2025, 7, 3)),
    ]
    run(ledger(back_dated), mode=ImportMode.INCREMENTAL, as_of=dt.date(2025, 12, 20))
    assert fresh_state() is None  # the import moved the watermark: read live meanwhile
    live = _figures(AS_OF)
    assert live["kpis"].receivables == before + Decimal("4000.00")
    assert snapshots_refresh() is True
    assert fresh_state() is not None
    assert _figures(AS_OF) == live


def test_it_follows_a_customer_moved_to_another_collector(collector):
    ledger_ = _history(collector)
    snapshots_build()
    ledger_["martin"].collector = collector
    ledger_["martin"].save()
    assert fresh_state() is None
    live = dso_by(group="collector", as_of=AS_OF)
    assert [row.key for row in live] == [collector.pk]  # every customer is theirs now
    assert live[0].receivables == kpis(as_of=AS_OF).receivables
    snapshots_refresh()
    assert dso_by(group="collector", as_of=AS_OF) == live


def test_it_builds_from_the_command_only_when_out_of_date(collector):
    worked_ledger(collector=collector)
    out = io.StringIO()
    call_command("insights_snapshot", stdout=out)
    call_command("insights_snapshot", stdout=out)
    call_command("insights_snapshot", "--rebuild", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("snapshots built")
    assert lines[1] == "snapshots up to date: nothing to build"
    assert lines[2].startswith("snapshots built")


def test_it_schedules_the_snapshots_in_the_worker():
    jobs = {job.name: job for job in SCHEDULE}
    assert jobs["insights-snapshots"].task == "encaisse.insights.tasks.insights_snapshots_refresh"
    assert jobs["insights-snapshots-rebuild"].cron == "15 3 * * *"


PAGE_FIGURES = {
    "/insights/": ["kpis", "points", "forecast", "segments", "collectors"],
    "/insights/dso/": ["kpis", "points", "customers", "segments", "collectors", "steps"],
}


@pytest.mark.parametrize("path", PAGE_FIGURES)
def test_its_pages_show_the_live_figures_from_the_snapshots(manager_client, collector, path):
    _history(collector)
    for as_of in (AS_OF, today()):
        url = f"{path}?as_of={as_of.isoformat()}"
        live = manager_client.get(url).context
        snapshots_build()
        built = manager_client.get(url).context
        assert fresh_state() is not None
        assert [built[name] for name in PAGE_FIGURES[path]] == [
            live[name] for name in PAGE_FIGURES[path]
        ]
        SnapshotMonth.objects.all().delete()
        SnapshotState.objects.all().delete()


def test_it_ranks_the_largest_receivables_today_as_the_full_ranking(collector):
    _history(collector)
    full = dso_by(group="customer", as_of=today(), limit=50)  # fewer owe: every customer
    assert len(full) >= 3
    assert dso_by(group="customer", as_of=today(), limit=2) == full[:2]


def test_it_gives_the_live_dunning_effectiveness_from_the_snapshots(collector):
    from encaisse.dunning.models import Action, ActionInvoice, Step
    from encaisse.insights.effectiveness import step_effectiveness

    ledger_ = _history(collector)
    steps = list(Step.objects.order_by("id")[:3])
    invoices = list(ledger_["martin"].invoices.order_by("id")) + list(
        ledger_["dupont"].invoices.order_by("id")
    )
    for index, invoice in enumerate(invoices):
        step = steps[index % 3]
        action = Action.objects.create(
            customer=invoice.customer,
            source="scenario",
            step=step,
            channel=step.channel,
            status="done",
            due_on=invoice.due_date + dt.timedelta(days=index % 9),
        )
        ActionInvoice.objects.create(
            action=action, invoice=invoice, step=step, amount_due=invoice.amount
        )
    scopes = [Scope(), Scope(collector_id=collector.pk)]
    as_of = [AS_OF, today()]
    since = [None, AS_OF - dt.timedelta(days=120)]  # a year, or the page's period

    def figures():
        return [
            step_effectiveness(as_of=day, scope=scope, since=start)
            for day in as_of
            for scope in scopes
            for start in since
        ]

    live = figures()
    assert any(row.lines for rows in live for row in rows)
    snapshots_build()
    assert figures() == live


def test_a_dunning_action_leaves_the_ledgers_figures_on_the_snapshots(collector):
    from encaisse.dunning.models import Action, Step
    from encaisse.insights.effectiveness import step_effectiveness

    ledger_ = _history(collector)
    snapshots_build()
    step = Step.objects.order_by("id").first()
    Action.objects.create(
        customer=ledger_["martin"],
        source="scenario",
        step=step,
        channel=step.channel,
        status="done",
        due_on=AS_OF,
    )
    # A call or a letter done: the effectiveness and the activity are computed live until
    # the next build; the position, the history and the forecast still read the snapshots.
    assert fresh_state() is None
    assert fresh_state(dunning=False) is not None
    figures = _figures(AS_OF)
    forecast, effectiveness = cash_forecast(), step_effectiveness(as_of=AS_OF)
    SnapshotState.objects.all().delete()
    assert _figures(AS_OF) == figures
    assert cash_forecast() == forecast
    assert step_effectiveness(as_of=AS_OF) == effectiveness


def test_the_worker_builds_only_the_dunning_snapshots_when_only_actions_moved(collector):
    from encaisse.dunning.models import Action, Step
    from encaisse.insights.effectiveness import step_effectiveness

    ledger_ = _history(collector)
    snapshots_build()
    before = step_effectiveness(as_of=AS_OF)
    built_month = SnapshotMonth.objects.order_by("id").first().pk
    step = Step.objects.order_by("id").first()
    invoice = ledger_["martin"].invoices.order_by("id").first()
    action = Action.objects.create(
        customer=ledger_["martin"],
        source="scenario",
        step=step,
        channel=step.channel,
        status="done",
        due_on=invoice.due_date,
    )
    action.lines.create(invoice=invoice, step=step, amount_due=invoice.amount)
    live = step_effectiveness(as_of=AS_OF)
    assert live != before
    assert snapshots_refresh() is True
    assert fresh_state() is not None
    # The month rows were left as they were: only the dunning snapshots were built again.
    assert SnapshotMonth.objects.order_by("id").first().pk == built_month
    assert step_effectiveness(as_of=AS_OF) == live
    assert snapshots_refresh() is False
