"""The daily run, walked day by day over a small ledger (test scenario: J-5 call, J+5 email,
J+15 letter from 100.00, J+30 formal notice from 500.00 needing approval)."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.choices import ActionSource, ActionStatus, BlockKind, PromiseStatus
from encaisse.dunning.models import (
    Action,
    Block,
    CustomerDunningProfile,
    InvoiceDunningState,
    PromiseToPay,
    Run,
    Scenario,
)
from encaisse.dunning.services import (
    block_create,
    dunning_run_generate,
    promise_record,
    run_indexes,
)
from encaisse.receivables.models import Invoice

from .factories import day, make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


def _sent(result):
    return [
        (a["customer_code"], a["channel"], a["step"], [i["number"] for i in a["invoices"]])
        for a in result.actions
    ]


def _walk(first: str, last: str):
    """Run every day from ``first`` to ``last``; return {date: what went out} for the days
    something did."""
    out = {}
    current, end = day(first), day(last)
    while current <= end:
        sent = _sent(dunning_run_generate(as_of=current))
        if sent:
            out[current.isoformat()] = sent
        current += dt.timedelta(days=1)
    return out


@pytest.fixture(autouse=True, params=["indexes kept", "indexes set aside"])
def index_mode(request, monkeypatch):
    """Every scenario twice: as an ordinary day (rows inserted into the indexes) and as a
    first run at 1M is (the indexes of the action, line and state tables dropped for the
    inserts and built again after them, ``run_indexes``): the same actions, states and counts."""
    if request.param == "indexes set aside":
        monkeypatch.setattr(run_indexes, "SET_ASIDE_MIN_ROWS", 0)
        monkeypatch.setattr(run_indexes, "SET_ASIDE_EXISTING_PER_NEW", 10**6)
    return request.param


@pytest.fixture
def ledger():
    make_scenario()
    c1 = make_customer("C1", "Alpha")
    c2 = make_customer("C2", "Beta")
    make_invoice(c1, "F1", "1000.00", due=day("2026-03-10"))
    make_invoice(c1, "F2", "50.00", due=day("2026-03-10"))
    make_invoice(c2, "F3", "800.00", due=day("2026-03-20"))
    return c1, c2


def test_it_sends_each_step_on_its_day_grouped_per_customer_and_channel(ledger):
    assert _walk("2026-03-01", "2026-05-31") == {
        "2026-03-05": [("C1", "call", "J-5", ["F1", "F2"])],
        "2026-03-15": [
            ("C1", "email", "J+5", ["F1", "F2"]),
            ("C2", "call", "J-5", ["F3"]),
        ],
        # F2 (50.00) is under the letter's minimum (100.00): it stays at its email.
        "2026-03-25": [("C1", "letter", "J+15", ["F1"]), ("C2", "email", "J+5", ["F3"])],
        "2026-04-04": [("C2", "letter", "J+15", ["F3"])],
        "2026-04-09": [("C1", "formal_notice", "J+30", ["F1"])],
        "2026-04-19": [("C2", "formal_notice", "J+30", ["F3"])],
    }
    notice = Action.objects.get(customer__code="C1", channel="formal_notice")
    assert notice.status == ActionStatus.AWAITING_APPROVAL
    assert Action.objects.get(customer__code="C1", channel="letter").status == "planned"
    assert Run.objects.filter(dry_run=False).count() == 92


def test_it_groups_invoices_at_different_steps_of_one_channel(ledger):
    c1, _c2 = ledger
    make_invoice(c1, "F4", "300.00", due=day("2026-03-18"))  # J-3 on 03-15: the call at J-5
    result = dunning_run_generate(as_of=day("2026-03-15"))
    # Catch-up: F1/F2 are at J+5 (email), F4 reached its J-5 call; C2's F3 is at J-5 too.
    assert _sent(result) == [
        ("C1", "call", "J-5", ["F4"]),
        ("C1", "email", "J+5", ["F1", "F2"]),
        ("C2", "call", "J-5", ["F3"]),
    ]
    email = result.actions[1]
    assert email["total"] == "1050.00"
    assert [i["amount_due"] for i in email["invoices"]] == ["1000.00", "50.00"]
    action = Action.objects.get(customer=c1, channel="email")
    assert action.total == Decimal("1050.00")
    assert sorted(action.lines.values_list("invoice__number", "amount_due")) == [
        ("F1", Decimal("1000.00")),
        ("F2", Decimal("50.00")),
    ]


def test_it_creates_nothing_new_when_run_twice_the_same_day(ledger):
    first = dunning_run_generate(as_of=day("2026-03-15"))
    second = dunning_run_generate(as_of=day("2026-03-15"))
    assert first.run.actions_created == 2
    assert second.actions == [] and second.run.actions_created == 0
    assert Action.objects.count() == 2


def test_it_catches_up_with_one_step_not_every_missed_one(ledger):
    # No run until 20 April: F1 should be at its formal notice (J+41), F3 too (J+31).
    result = dunning_run_generate(as_of=day("2026-04-20"))
    assert _sent(result) == [
        # F2 (50.00) passed the letter and the notice but meets no minimum beyond the email.
        ("C1", "email", "J+5", ["F2"]),
        ("C1", "formal_notice", "J+30", ["F1"]),
        ("C2", "formal_notice", "J+30", ["F3"]),
    ]
    assert _walk("2026-04-21", "2026-06-30") == {}
    state = InvoiceDunningState.objects.get(invoice__number="F1")
    assert (state.last_offset, state.last_step_on) == (30, day("2026-04-20"))


def test_it_previews_exactly_what_a_run_would_create_and_writes_nothing(ledger):
    preview = dunning_run_generate(as_of=day("2026-03-25"), dry_run=True)
    assert not Action.objects.exists() and not InvoiceDunningState.objects.exists()
    assert preview.run.dry_run and preview.run.actions_created == 3
    assert all(action["id"] is None for action in preview.actions)
    real = dunning_run_generate(as_of=day("2026-03-25"))
    strip = [{k: v for k, v in a.items() if k != "id"} for a in real.actions]
    assert strip == [{k: v for k, v in a.items() if k != "id"} for a in preview.actions]


def test_it_records_the_counts_of_each_run(ledger, credit_manager):
    c1, _c2 = ledger
    CustomerDunningProfile.objects.create(customer=c1)
    result = dunning_run_generate(as_of=day("2026-03-25"), actor=credit_manager)
    run = Run.objects.get(pk=result.run.pk)
    assert run.triggered_by == credit_manager and run.finished_at is not None
    assert (run.invoices_considered, run.invoices_dunned, run.actions_created) == (3, 3, 3)
    assert run.skipped_threshold == 0
    run = dunning_run_generate(as_of=day("2026-03-26")).run
    # F2 passed the letter's offset but is under its minimum.
    assert (run.invoices_dunned, run.skipped_threshold) == (0, 1)


def test_it_skips_customers_flagged_on_hold(ledger):
    c1, _c2 = ledger
    c1.on_hold = True
    c1.save()
    result = dunning_run_generate(as_of=day("2026-03-15"))
    assert _sent(result) == [("C2", "call", "J-5", ["F3"])]
    assert result.run.skipped_on_hold == 2


def test_it_skips_a_customer_hold_until_its_end_then_releases_it(ledger):
    c1, _c2 = ledger
    hold = block_create(
        actor=None,
        customer=c1,
        kind=BlockKind.HOLD,
        reason="Rachat en cours",
        starts_on=day("2026-03-01"),
        ends_on=day("2026-03-20"),
    )
    assert _walk("2026-03-01", "2026-03-20") == {"2026-03-15": [("C2", "call", "J-5", ["F3"])]}
    result = dunning_run_generate(as_of=day("2026-03-21"))
    assert _sent(result) == [("C1", "email", "J+5", ["F1", "F2"])]
    assert result.run.blocks_released == 1
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_it_skips_a_blocked_invoice_and_a_blocked_customer(ledger):
    c1, c2 = ledger
    f1 = Invoice.objects.get(number="F1")
    block_create(actor=None, customer=c1, invoice=f1, reason="Litige livraison", starts_on=MARCH)
    block_create(actor=None, customer=c2, reason="Procédure collective", starts_on=MARCH)
    result = dunning_run_generate(as_of=day("2026-03-25"))
    assert _sent(result) == [("C1", "email", "J+5", ["F2"])]
    assert result.run.skipped_blocked == 2


def test_it_duns_only_the_part_of_an_invoice_that_is_not_blocked(ledger):
    c1, _c2 = ledger
    f1 = Invoice.objects.get(number="F1")
    block_create(
        actor=None,
        customer=c1,
        invoice=f1,
        blocked_amount="950.00",
        reason="Avoir",
        starts_on=MARCH,
    )
    result = dunning_run_generate(as_of=day("2026-03-25"))
    c1_actions = [a for a in result.actions if a["customer_code"] == "C1"]
    # 50.00 left on F1 is under the letter's minimum: it gets the email, like F2.
    assert [(a["channel"], a["invoices"], a["total"]) for a in c1_actions] == [
        (
            "email",
            [
                {"number": "F1", "due_date": "2026-03-10", "amount_due": "50.00"},
                {"number": "F2", "due_date": "2026-03-10", "amount_due": "50.00"},
            ],
            "100.00",
        )
    ]


def test_it_skips_an_invoice_wholly_covered_by_blocked_amounts(ledger):
    c1, _c2 = ledger
    f2 = Invoice.objects.get(number="F2")
    block_create(
        actor=None,
        customer=c1,
        invoice=f2,
        blocked_amount="30.00",
        reason="Remise",
        starts_on=MARCH,
    )
    block_create(
        actor=None, customer=c1, invoice=f2, blocked_amount="20.00", reason="Casse", starts_on=MARCH
    )
    result = dunning_run_generate(as_of=day("2026-03-15"))
    assert _sent(result)[0] == ("C1", "email", "J+5", ["F1"])
    assert result.run.skipped_blocked == 1


def test_it_pauses_invoices_under_a_promise_until_its_date_plus_grace(ledger, collector):
    c1, _c2 = ledger
    f1 = Invoice.objects.get(number="F1")
    promise_record(
        actor=collector,
        customer=c1,
        invoices=[f1],
        amount="1000.00",
        promised_on=day("2026-03-20"),
        grace_days=3,
    )
    walked = _walk("2026-03-12", "2026-03-24")
    assert walked["2026-03-15"][0] == ("C1", "email", "J+5", ["F2"])
    # 24 March: the promise (20 + 3 days) is broken; a priority call, and F1 resumes at J+5.
    assert walked["2026-03-24"] == [
        ("C1", "call", None, ["F1"]),
        ("C1", "email", "J+5", ["F1"]),
    ]
    promise = PromiseToPay.objects.get()
    assert (promise.status, promise.resolved_on) == (PromiseStatus.BROKEN, day("2026-03-24"))
    call = Action.objects.get(source=ActionSource.BROKEN_PROMISE)
    assert (call.priority, call.promise, call.total) == (1, promise, Decimal("1000.00"))
    assert Run.objects.get(as_of=day("2026-03-24"), dry_run=False).promises_broken == 1
    # Once only.
    assert dunning_run_generate(as_of=day("2026-03-24")).actions == []


def _pay(number: str, amount: str):
    invoice = Invoice.objects.get(number=number)
    invoice.open_amount -= Decimal(amount)
    if invoice.open_amount == 0:
        invoice.status = "settled"
    invoice.save()


def test_it_marks_a_promise_kept_as_soon_as_it_is_paid(ledger, collector):
    c1, _c2 = ledger
    f1 = Invoice.objects.get(number="F1")
    promise_record(
        actor=collector, customer=c1, invoices=[f1], amount="600.00", promised_on=day("2026-03-20")
    )
    _pay("F1", "600.00")
    run = dunning_run_generate(as_of=day("2026-03-18")).run
    promise = PromiseToPay.objects.get()
    assert (promise.status, promise.paid_amount) == (PromiseStatus.KEPT, Decimal("600.00"))
    assert run.promises_kept == 1
    assert not Action.objects.filter(source=ActionSource.BROKEN_PROMISE).exists()


def test_it_marks_a_promise_partly_kept_and_calls(ledger, collector):
    c1, _c2 = ledger
    f1 = Invoice.objects.get(number="F1")
    promise_record(
        actor=collector,
        customer=c1,
        invoices=[f1],
        amount="1000.00",
        promised_on=day("2026-03-20"),
        grace_days=0,
    )
    _pay("F1", "400.00")
    result = dunning_run_generate(as_of=day("2026-03-21"))
    promise = PromiseToPay.objects.get()
    assert (promise.status, promise.paid_amount) == (PromiseStatus.PARTLY_KEPT, Decimal("400.00"))
    call = result.actions[0]
    assert (call["channel"], call["step"], call["total"]) == ("call", None, "600.00")


def test_it_reanchors_the_next_steps_on_a_partial_payment(ledger):
    # F3 (C2, 800.00, due 20 March) gets its J+5 email on 25 March.
    dunning_run_generate(as_of=day("2026-03-25"))
    # Half paid on 1 April (J+12): the letter (J+15, 10 days after the email) now comes 10
    # days after the payment, on 11 April instead of 4 April.
    _pay("F3", "400.00")
    walked = _walk("2026-04-01", "2026-04-30")
    c2 = {d: s for d, s in walked.items() if s[0][0] == "C2"}
    assert c2 == {
        "2026-04-11": [("C2", "letter", "J+15", ["F3"])],
        # Then J+30 comes 15 days after the letter's re-anchored date: 26 April. 400.00 is now
        # under the notice's minimum (500.00), so nothing more.
    }
    assert Run.objects.get(as_of=day("2026-04-01"), dry_run=False).reanchored == 1
    state = InvoiceDunningState.objects.get(invoice__number="F3")
    # The email (J+5) now counts as reached on the payment date: offsets count from 27 March.
    assert state.anchor_on == day("2026-03-27")


def test_it_follows_the_customer_then_segment_then_default_scenario(ledger):
    c1, _c2 = ledger
    calls_only = make_scenario("calls", default=False, steps=[(3, "call", "0", False)])
    CustomerDunningProfile.objects.create(customer=c1, scenario=calls_only)
    result = dunning_run_generate(as_of=day("2026-03-15"))
    assert _sent(result) == [("C1", "call", "J+3", ["F1", "F2"]), ("C2", "call", "J-5", ["F3"])]
    # An inactive scenario is not used: back to the default.
    Scenario.objects.filter(pk=calls_only.pk).update(active=False)
    InvoiceDunningState.objects.all().delete()
    result = dunning_run_generate(as_of=day("2026-03-16"))
    assert ("C1", "email", "J+5", ["F1", "F2"]) in _sent(result)


def test_it_assigns_actions_to_the_collector_or_the_salesperson(ledger, collector, credit_manager):
    c1, _c2 = ledger
    c1.collector = collector
    c1.salesperson = credit_manager
    c1.save()
    from encaisse.dunning.models import Step

    Step.objects.filter(channel="call").update(performer="salesperson")
    dunning_run_generate(as_of=day("2026-03-05"))
    assert Action.objects.get(customer=c1).assigned_to == credit_manager
    dunning_run_generate(as_of=day("2026-03-15"))
    assert Action.objects.get(customer=c1, channel="email").assigned_to == collector


def test_it_ignores_credit_notes_and_settled_invoices(ledger):
    c1, _c2 = ledger
    from .factories import make_credit_note

    make_credit_note(c1, "AV1", "-200.00", due=day("2026-03-10"))
    _pay("F2", "50.00")
    result = dunning_run_generate(as_of=day("2026-03-15"))
    assert _sent(result)[0] == ("C1", "email", "J+5", ["F1"])


def test_it_uses_the_shipped_standard_scenario_by_default():
    customer = make_customer("C9")
    make_invoice(customer, "F9", "5000.00", due=day("2026-06-30"))
    walked = _walk("2026-06-15", "2026-08-31")
    assert [(d, s[0][1], s[0][2]) for d, s in walked.items()] == [
        ("2026-06-20", "call", "J-10"),
        ("2026-06-27", "email", "J-3"),
        ("2026-07-05", "email", "J+5"),
        ("2026-07-15", "letter", "J+15"),
        ("2026-07-25", "call", "J+25"),
        ("2026-08-04", "formal_notice", "J+35"),
        ("2026-08-19", "internal_task", "J+50"),
    ]
    assert Block.objects.count() == 0
