"""Holds are visible everywhere: a badge on the customer list and page, on the invoice list and
page, in the worklist and on the call page, while the hold is in force and not after."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from encaisse.core.dates import today
from encaisse.dunning.choices import BlockKind
from encaisse.dunning.services import block_create, block_release

from .factories import make_customer, make_invoice
from .worklist_factories import days_ago, make_action

pytestmark = pytest.mark.django_db


def _badges(html: str) -> list[str]:
    return re.findall(r'data-hold="([a-z]+)"', html)


def _row(html: str, text: str) -> str:
    """The table row holding ``text``."""
    return next(row for row in re.findall(r"<tr.*?</tr>", html, re.S) if text in row)


@pytest.fixture
def ledger(collector):
    held = make_customer("HELD", "Client En Pause", collector=collector)
    free = make_customer("FREE", "Client Libre", collector=collector)
    h1 = make_invoice(held, "H1", "500.00", due=days_ago(20))
    f1 = make_invoice(free, "F1", "700.00", due=days_ago(20))
    f2 = make_invoice(free, "F2", "900.00", due=days_ago(20))
    block_create(
        actor=collector,
        customer=held,
        kind=BlockKind.HOLD,
        reason="Redressement en cours",
        ends_on=today() + dt.timedelta(days=15),
    )
    block_create(
        actor=collector,
        customer=free,
        invoice=f1,
        kind=BlockKind.HOLD,
        reason="Avoir attendu",
        ends_on=today() + dt.timedelta(days=5),
    )
    return held, free, h1, f1, f2


def test_it_badges_held_customers_and_invoices_on_the_lists(collector_client, ledger):
    held, free, *_ = ledger
    html = collector_client.get(reverse("customers:list")).content.decode()
    assert _badges(_row(html, "Client En Pause")) == ["hold"]
    assert "Redressement en cours" in _row(html, "Client En Pause")  # the tooltip
    assert _badges(_row(html, "Client Libre")) == []  # only one of its invoices is held

    html = collector_client.get(reverse("receivables:list")).content.decode()
    assert _badges(_row(html, 'data-number="H1"')) == ["hold"]  # its customer's hold
    assert _badges(_row(html, 'data-number="F1"')) == ["hold"]  # its own
    assert _badges(_row(html, 'data-number="F2"')) == []


def test_it_badges_the_customer_and_invoice_pages(collector_client, ledger):
    held, free, h1, f1, f2 = ledger
    page = collector_client.get(reverse("customers:detail", args=[held.pk])).content.decode()
    assert "hold" in _badges(page.split("</h1>")[0])
    page = collector_client.get(reverse("customers:detail", args=[free.pk])).content.decode()
    assert _badges(page.split("</h1>")[0]) == []
    for invoice, expected in ((h1, ["hold"]), (f1, ["hold"]), (f2, [])):
        page = collector_client.get(reverse("receivables:detail", args=[invoice.pk]))
        assert _badges(page.content.decode().split("</h1>")[0]) == expected, invoice.number


def test_it_badges_the_worklist_and_the_call_page(collector, collector_client, ledger):
    held, free, h1, f1, f2 = ledger
    call = make_action(held, [h1], assigned_to=collector)
    make_action(free, [f2], assigned_to=collector)
    html = collector_client.get(reverse("dunning:worklist")).content.decode()
    assert _badges(_row(html, "Client En Pause")) == ["hold"]
    assert _badges(_row(html, "Client Libre")) == []
    page = collector_client.get(reverse("dunning:call", args=[call.pk])).content.decode()
    assert _badges(page.split("</h1>")[0]) == ["hold"]


def test_the_badge_goes_when_the_hold_is_released_or_over(collector, collector_client, ledger):
    held, free, h1, f1, f2 = ledger
    hold = held.dunning_blocks.get()
    block_release(actor=collector, block=hold)
    # Ended yesterday but not released yet (the run releases it tomorrow morning): over.
    ended = free.dunning_blocks.get()
    type(ended).objects.filter(pk=ended.pk).update(
        starts_on=days_ago(10), ends_on=today() - dt.timedelta(days=1)
    )
    html = collector_client.get(reverse("receivables:list")).content.decode()
    assert _badges(html) == []
    html = collector_client.get(reverse("customers:list")).content.decode()
    assert _badges(html) == []


def test_a_customer_block_badges_every_invoice_and_a_dispute_block_none(collector_client, ledger):
    held, free, h1, f1, f2 = ledger
    block_create(actor=None, customer=free, kind=BlockKind.BLOCK, reason="Procédure collective")
    html = collector_client.get(reverse("receivables:list")).content.decode()
    assert _badges(_row(html, 'data-number="F2"')) == ["block"]
    assert "Blocage de relance" in _row(html, 'data-number="F2"')
    h2 = make_invoice(held, "H2", "100.00", due=days_ago(3))
    block_create(
        actor=None, customer=held, kind=BlockKind.DISPUTE, invoice=h2, reason="Litige LIT-1"
    )
    held.dunning_blocks.filter(kind=BlockKind.HOLD).update(released_at=f1.created_at)
    html = collector_client.get(reverse("receivables:list")).content.decode()
    assert _badges(_row(html, 'data-number="H2"')) == []
