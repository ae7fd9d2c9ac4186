"""The aged balance, the home summary and the stored balances they read (see selectors.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q

from encaisse.core.dates import age_buckets
from encaisse.customers.models import Customer
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.home import bucket_totals, home_summary
from encaisse.receivables.models import Payment
from encaisse.receivables.selectors import aged_balance
from encaisse.receivables.services import customer_balances_refresh

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)
BUCKETS = age_buckets((30, 60, 90))


def _due(days_past_due: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_past_due)


def _ledger():
    """Two customers with invoices in every bucket, a credit note, cash and noise to leave out."""
    dupont = make_customer("C1", "Dupont SA")
    martin = make_customer("C2", "Martin SARL")
    issued = dt.date(2026, 1, 5)
    make_invoice(dupont, "F1", "100.10", due=_due(0), issued=issued)  # not due (due today)
    make_invoice(dupont, "F2", "200.20", due=_due(1), issued=issued)  # 1-30
    make_invoice(dupont, "F3", "300.30", open_amount="150.15", due=_due(30), issued=issued)
    make_invoice(dupont, "F4", "400.40", due=_due(31), issued=issued)  # 31-60
    make_invoice(dupont, "F5", "500.50", due=_due(91), issued=issued)  # over 90
    make_credit_note(dupont, "AV1", "-50.05", due=_due(70), issued=issued)  # 61-90
    make_invoice(martin, "F6", "1000.00", due=_due(65), issued=issued)  # 61-90
    make_invoice(  # settled: not in the aged balance
        martin,
        "F7",
        "999.99",
        open_amount="0",
        due=_due(10),
        issued=issued,
        status=InvoiceStatus.SETTLED,
    )
    tomorrow = AS_OF + dt.timedelta(days=1)
    make_invoice(martin, "F8", "777.77", due=tomorrow + dt.timedelta(days=30), issued=tomorrow)
    Payment.objects.create(
        customer=martin,
        reference="VIR-1",
        received_on=_due(5),
        amount=Decimal("300.00"),
        unallocated_amount=Decimal("250.00"),
        source=Source.MANUAL,
    )
    return dupont, martin


def test_it_ages_open_invoices_and_unallocated_cash_by_bucket():
    dupont, martin = _ledger()
    balance = aged_balance(as_of=AS_OF, buckets=BUCKETS)
    rows = {row.customer_code: row for row in balance.rows}
    assert [row.customer_code for row in balance.rows] == ["C1", "C2"]
    assert rows["C1"].customer_name == "Dupont SA" and rows["C1"].customer_id == dupont.pk
    assert rows["C1"].buckets == {
        "not_due": Decimal("100.10"),
        "days_1_30": Decimal("350.35"),
        "days_31_60": Decimal("400.40"),
        "days_61_90": Decimal("-50.05"),
        "days_over_90": Decimal("500.50"),
    }
    # F8 is issued after the as-of date; the settled F7 is not open; the cash is 1-30 days old.
    assert rows["C2"].buckets == {
        "not_due": Decimal("0.00"),
        "days_1_30": Decimal("-250.00"),
        "days_31_60": Decimal("0.00"),
        "days_61_90": Decimal("1000.00"),
        "days_over_90": Decimal("0.00"),
    }
    assert balance.total_balance == Decimal("2051.30")
    assert balance.total_overdue == Decimal("1951.20")


def test_it_keeps_only_the_customers_the_filter_names():
    _ledger()
    balance = aged_balance(as_of=AS_OF, buckets=BUCKETS, customer_filter=Q(code="C2"))
    assert [row.customer_code for row in balance.rows] == ["C2"]
    assert balance.total_balance == Decimal("750.00")


def test_it_totals_the_buckets_in_one_pass_as_the_aged_balance_does():
    _ledger()
    assert (
        bucket_totals(as_of=AS_OF, buckets=BUCKETS)
        == aged_balance(as_of=AS_OF, buckets=BUCKETS).totals
    )


def test_it_stores_open_and_overdue_balances_per_customer():
    dupont, martin = _ledger()
    assert customer_balances_refresh(as_of=AS_OF, customer_ids=[martin.pk]) == 1
    martin.refresh_from_db()
    dupont.refresh_from_db()
    # Stored balances hold every open item, whatever its issue date (F8 included).
    assert martin.open_balance == Decimal("1527.77")
    assert martin.overdue_balance == Decimal("750.00")
    assert martin.balances_as_of == AS_OF
    assert dupont.balances_as_of is None
    assert customer_balances_refresh(as_of=AS_OF) == 2
    dupont.refresh_from_db()
    assert (dupont.open_balance, dupont.overdue_balance) == (Decimal("1301.30"), Decimal("1201.20"))


def test_it_lists_the_most_overdue_customers_from_the_stored_balances(
    django_assert_max_num_queries,
):
    _ledger()
    late = make_customer("C3", "Retard SA")
    make_invoice(late, "F9", "5000.00", due=_due(200), issued=dt.date(2026, 1, 2))
    make_customer("C4", "Sans Dette")
    customer_balances_refresh(as_of=AS_OF)
    with django_assert_max_num_queries(8):
        summary = home_summary(as_of=AS_OF)
    assert [row.customer_code for row in summary["most_overdue"]] == ["C3", "C1", "C2"]
    assert summary["most_overdue"][0].overdue == Decimal("5000.00")
    assert summary["most_overdue"][2].balance == Decimal("1527.77")
    assert summary["customers_with_balance"] == 3
    assert summary["total_open"] == Decimal("7051.30")
    assert summary["totals"]["days_over_90"] == Decimal("5500.50")


def test_it_computes_the_most_overdue_live_when_stored_balances_are_stale():
    _ledger()
    # Forty days earlier Martin was the most overdue (1,000.00 against 450.45); today Dupont.
    customer_balances_refresh(as_of=AS_OF - dt.timedelta(days=40))
    assert Customer.objects.order_by("-overdue_balance").first().code == "C2"
    summary = home_summary(as_of=AS_OF, top=1)
    assert [row.customer_code for row in summary["most_overdue"]] == ["C1"]
    assert summary["most_overdue"][0].overdue == Decimal("1201.20")
    assert summary["customers_with_balance"] == 2
