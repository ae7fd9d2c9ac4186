"""The aged balance ranked in the database and read a page at a time (aged_ranking.py): the
same rows, order and totals as the whole aged balance sorted in Python."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.customers.models import Segment
from encaisse.receivables.aged_ranking import RankedAgedRows, aged_balance_paged
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Payment
from encaisse.receivables.selectors import aged_balance_for

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)


def _days_ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def _ledger() -> Segment:
    """Customers whose balance, overdue amount and code each give another order, with ties on
    the amounts, a credit note, cash on account, cash alone, an invoice issued after the date
    (left out) and a segment holding half of them."""
    segment = Segment.objects.create(name="Grands comptes")
    for n in range(23):
        customer = make_customer(f"Z{22 - n:02}", f"Client {n}", segment=segment if n % 2 else None)
        amount = Decimal("100.00") + (n % 7) * 10
        issued = _days_ago(60 + n)
        make_invoice(customer, f"F{n}-1", str(amount), due=_days_ago(n * 5 - 20), issued=issued)
        make_invoice(customer, f"F{n}-2", str(amount * 2), due=_days_ago(-10), issued=issued)
    credit = make_customer("A1", "Avoir SA", segment=segment)
    make_credit_note(credit, "AV1", "-80.00", due=_days_ago(10), issued=_days_ago(40))
    for code, customer_segment in (("B1", None), ("Y9", segment)):
        Payment.objects.create(
            customer=make_customer(code, f"Acompte {code}", segment=customer_segment),
            reference=f"VIR-{code}",
            received_on=_days_ago(3),
            amount=Decimal("55.50"),
            unallocated_amount=Decimal("55.50"),
            source=Source.MANUAL,
        )
    later = make_customer("L1", "Plus tard")
    make_invoice(later, "F-L", "999.00", issued=AS_OF + dt.timedelta(days=1))
    return segment


@pytest.mark.parametrize("sort", ["code", "balance", "overdue"])
@pytest.mark.parametrize("segmented", [False, True])
def test_its_pages_are_the_aged_balance_sorted_alike(sort, segmented):
    segment = _ledger()
    segment_id = segment.pk if segmented else None
    whole = aged_balance_for(as_of=AS_OF, segment_id=segment_id, sort=sort)
    paged = aged_balance_paged(as_of=AS_OF, segment_id=segment_id, sort=sort)
    assert len(paged.rows) == len(whole.rows) == (13 if segmented else 26)
    assert paged.totals == whole.totals
    assert paged.total_balance == whole.total_balance
    pages = [*paged.rows[0:5], *paged.rows[5:12], *paged.rows[12:40]]
    assert [(r.customer_code, r.buckets) for r in pages] == [
        (r.customer_code, r.buckets) for r in whole.rows
    ]
    assert paged.rows[-1].customer_code == whole.rows[-1].customer_code
    assert "L1" not in {r.customer_code for r in pages}


def test_an_export_reads_every_row_at_once_in_the_same_order(monkeypatch):
    _ledger()
    ranked = [r.customer_code for r in aged_balance_paged(as_of=AS_OF, sort="overdue").rows[:30]]
    monkeypatch.setattr("encaisse.receivables.aged_ranking.RANKED_READ", 10)
    rows = RankedAgedRows(
        as_of=AS_OF,
        buckets=aged_balance_paged(as_of=AS_OF).buckets,
        customer_filter=None,
        size=26,
        order="overdue",
    )
    assert [r.customer_code for r in rows] == ranked


def test_an_empty_ledger_has_no_row_and_zero_totals():
    paged = aged_balance_paged(as_of=AS_OF, sort="balance")
    assert len(paged.rows) == 0 and list(paged.rows) == []
    assert paged.total_balance == 0 and set(paged.totals.values()) == {Decimal("0")}
