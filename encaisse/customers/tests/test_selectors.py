"""Customer reads: search, filters, sorts, keyset pages, and the customer page's figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from encaisse.customers.models import Customer, Segment
from encaisse.customers.selectors import (
    CustomerFilters,
    InvalidCursor,
    access_customer,
    average_days_late,
    customer_average_days_late,
    customer_figures,
    customer_list,
    customer_open_invoices,
    customer_page,
    payment_terms,
)
from encaisse.receivables.choices import InvoiceKind, Source
from encaisse.receivables.models import Payment

from .builders import SIREN, make_customer, make_invoice, make_settled

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _codes(user, **filters):
    return [c.code for c in customer_list(user=user, filters=CustomerFilters(**filters))]


@pytest.fixture
def ledger(collector):
    pme = Segment.objects.create(code="pme", name="PME")
    return {
        "a": make_customer(
            "C001",
            "Dupont SA",
            siren=SIREN,
            overdue_balance=Decimal("500"),
            open_balance=Decimal("900"),
            collector=collector,
            segment=pme,
        ),
        "b": make_customer(
            "C002", "Martin SARL", overdue_balance=Decimal("1500"), open_balance=Decimal("1500")
        ),
        "c": make_customer(
            "X003",
            "Durand et fils",
            open_balance=Decimal("3000"),
            on_hold=True,
            collector=collector,
        ),
    }


def test_it_sorts_by_overdue_amount_by_default(read_only, ledger):
    assert _codes(read_only) == ["C002", "C001", "X003"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("open_balance", ["X003", "C002", "C001"]),
        ("name", ["C001", "X003", "C002"]),
        ("code", ["C001", "C002", "X003"]),
    ],
)
def test_it_sorts_by_what_is_asked(read_only, ledger, sort, expected):
    assert _codes(read_only, sort=sort) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dupont", ["C001"]),
        ("c00", ["C002", "C001"]),
        ("552 100", ["C001"]),
        (SIREN, ["C001"]),
        ("fils", ["X003"]),
        ("nobody", []),
    ],
)
def test_it_searches_names_codes_and_sirens(read_only, ledger, text, expected):
    assert _codes(read_only, q=text) == expected


def test_it_filters_by_collector_segment_overdue_and_hold(read_only, collector, ledger):
    assert _codes(read_only, collector_id=collector.pk) == ["C001", "X003"]
    assert _codes(read_only, unassigned=True) == ["C002"]
    assert _codes(read_only, segment_id=ledger["a"].segment_id) == ["C001"]
    assert _codes(read_only, overdue=True) == ["C002", "C001"]
    assert _codes(read_only, on_hold=True) == ["X003"]
    assert _codes(read_only, collector_id=collector.pk, overdue=True) == ["C001"]


def test_on_hold_also_keeps_customers_under_a_dunning_hold_in_force(read_only, ledger):
    from encaisse.core.dates import today
    from encaisse.dunning.choices import BlockKind
    from encaisse.dunning.models import Block

    now = today()
    a, b = ledger["a"], ledger["b"]
    Block.objects.create(
        kind=BlockKind.HOLD,
        customer=a,
        reason="Payment plan",
        starts_on=now,
        ends_on=now + dt.timedelta(days=10),
    )
    # Not in force: ended yesterday, not started yet, or on one invoice only.
    Block.objects.create(
        kind=BlockKind.HOLD,
        customer=b,
        reason="Over",
        starts_on=now - dt.timedelta(days=9),
        ends_on=now - dt.timedelta(days=1),
    )
    Block.objects.create(
        kind=BlockKind.BLOCK, customer=b, reason="Later", starts_on=now + dt.timedelta(days=2)
    )
    Block.objects.create(
        kind=BlockKind.BLOCK,
        customer=b,
        reason="One invoice",
        starts_on=now,
        invoice=make_invoice(b, "F-B1", "100.00", due=now),
    )
    assert _codes(read_only, on_hold=True) == ["C001", "X003"]
    assert _codes(read_only, on_hold=False) == ["C002"]


def test_department_members_see_no_customer(department_member, ledger):
    assert _codes(department_member) == []
    with pytest.raises(Http404):
        access_customer(department_member, ledger["a"].pk)


def test_it_answers_404_for_a_missing_customer(read_only):
    with pytest.raises(Http404):
        access_customer(read_only, 999)


@pytest.mark.parametrize("search", ["", "client"])
@pytest.mark.parametrize("sort", ["overdue", "open_balance", "name", "code"])
def test_keyset_pages_walk_every_customer_once_in_order(read_only, sort, search):
    # A search sorts by an expression (see customer_list): the pages must agree with it.
    for n in range(23):
        # Ties on the balances and on names make the id the tie-breaker.
        make_customer(
            f"K{n:02d}",
            f"Client {n % 4}",
            overdue_balance=Decimal(n % 3 * 10 - 5),
            open_balance=Decimal(n % 5),
        )
    make_customer("OTHER", "Not found", overdue_balance=Decimal(1))
    everything = _codes(read_only, sort=sort, q=search)
    rows = Customer.objects.filter(name__startswith="Client" if search else "")
    python_order = {
        "overdue": lambda c: (-c.overdue_balance, c.pk),
        "open_balance": lambda c: (-c.open_balance, c.pk),
        "name": lambda c: (c.name, c.pk),
        "code": lambda c: (c.code, c.pk),
    }[sort]
    assert everything == [c.code for c in sorted(rows, key=python_order)]
    walked, cursor = [], None
    while True:
        page = customer_page(
            user=read_only, filters=CustomerFilters(sort=sort, q=search), cursor=cursor, limit=5
        )
        walked += [c.code for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == everything


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4Ijox", "WyJuYW1lIiwiQSIsMV0"])
def test_it_refuses_a_foreign_cursor(read_only, cursor):
    # The last one is a valid cursor of the name sort, given to the overdue sort.
    with pytest.raises(InvalidCursor):
        customer_page(user=read_only, filters=CustomerFilters(), cursor=cursor)


def test_average_days_late_is_weighted_by_amount_and_ignores_early_payments():
    rows = [
        (Decimal("1000"), dt.date(2026, 1, 31), dt.date(2026, 2, 10)),  # 10 days late
        (Decimal("3000"), dt.date(2026, 2, 28), dt.date(2026, 2, 23)),  # 5 days early: 0
        (Decimal("1000"), dt.date(2026, 3, 31), dt.date(2026, 4, 30)),  # 30 days late
    ]
    # (1000 * 10 + 3000 * 0 + 1000 * 30) / 5000 = 8.0
    assert average_days_late(rows) == Decimal("8.0")
    assert average_days_late([]) is None
    assert average_days_late(rows[:1] + [(Decimal("2000"), rows[0][1], rows[0][1])]) == Decimal(
        "3.3"
    )


def test_it_averages_days_late_over_invoices_settled_in_the_last_twelve_months():
    customer = make_customer()
    make_settled(customer, "F1", "1000", due=dt.date(2026, 1, 31), settled_on=dt.date(2026, 2, 10))
    make_settled(customer, "F2", "3000", due=dt.date(2026, 2, 28), settled_on=dt.date(2026, 2, 23))
    make_settled(customer, "F3", "1000", due=dt.date(2026, 3, 31), settled_on=dt.date(2026, 4, 30))
    # Left out: settled more than a year ago, a credit note, an open invoice, another customer.
    make_settled(customer, "OLD", "9000", due=dt.date(2025, 1, 1), settled_on=dt.date(2025, 6, 30))
    make_invoice(
        customer,
        "AV1",
        "-500",
        due=dt.date(2026, 1, 1),
        open_amount="0",
        kind=InvoiceKind.CREDIT_NOTE,
        status="settled",
        settled_on=dt.date(2026, 5, 1),
    )
    make_invoice(customer, "OPEN", "800", due=dt.date(2026, 1, 1))
    other = make_customer("C2", "Other")
    make_settled(other, "F9", "1000", due=dt.date(2026, 1, 1), settled_on=dt.date(2026, 6, 1))
    assert customer_average_days_late(customer, as_of=AS_OF) == Decimal("8.0")
    assert customer_average_days_late(other, as_of=AS_OF) == Decimal("151.0")


def test_it_gives_the_customer_s_live_balance_by_age(read_only):
    customer = make_customer()
    make_invoice(customer, "F1", "1000", due=dt.date(2026, 7, 15))  # not due
    make_invoice(customer, "F2", "400", due=dt.date(2026, 6, 10))  # 20 days
    make_invoice(customer, "F3", "300", due=dt.date(2026, 3, 1), open_amount="250")  # 121 days
    make_invoice(customer, "AV1", "-100", due=dt.date(2026, 6, 25), kind=InvoiceKind.CREDIT_NOTE)
    Payment.objects.create(
        customer=customer,
        reference="VIR",
        received_on=dt.date(2026, 6, 1),
        amount=Decimal("50"),
        unallocated_amount=Decimal("50"),
        source=Source.MANUAL,
    )
    make_invoice(make_customer("C2", "Other"), "F9", "777", due=dt.date(2026, 1, 1))
    figures = customer_figures(customer, as_of=AS_OF)
    assert figures.amounts == {
        "not_due": Decimal("1000.00"),
        "days_1_30": Decimal("250.00"),  # 400 - 100 credit note - 50 cash
        "days_31_60": Decimal("0.00"),
        "days_61_90": Decimal("0.00"),
        "days_over_90": Decimal("250.00"),
    }
    assert figures.open_balance == Decimal("1500.00")
    assert figures.overdue == Decimal("500.00")
    assert figures.average_days_late is None


def test_a_customer_without_invoices_has_zero_figures():
    figures = customer_figures(make_customer(), as_of=AS_OF)
    assert figures.open_balance == 0 and figures.overdue == 0
    assert [bucket.key for bucket, _amount in figures.bucket_rows][0] == "not_due"


def test_open_invoices_carry_their_days_overdue():
    customer = make_customer()
    make_invoice(customer, "LATE", "100", due=dt.date(2000, 1, 1))
    make_invoice(customer, "LATER", "100", due=dt.date(2999, 1, 1))
    page = customer_open_invoices(customer)
    late, later = page.object_list
    assert late.number == "LATE" and late.days_overdue > 9000
    assert later.days_overdue == 0


def test_payment_terms_fall_back_on_the_company_default():
    assert payment_terms(make_customer()) == {"label": "30 jours net", "is_default": True}
    own = make_customer("C2", "Other", terms_kind="eom", terms_days=45)
    assert payment_terms(own) == {"label": "45 jours fin de mois", "is_default": False}
