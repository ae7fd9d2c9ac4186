"""The department worklist page: tabs, scoping, order, badges, filters, keyset pages, the
"ready to close" flag and the quick actions on its rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from encaisse.accounts.models import Department
from encaisse.core.dates import today
from encaisse.disputes.choices import Status
from encaisse.disputes.models import Dispute
from encaisse.disputes.worklist import WorklistFilters, worklist_page
from encaisse.receivables.services import credit_note_allocate
from encaisse.receivables.tests.factories import make_credit_note

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _dispute(actor, n, reason="A1", raised_on=None, **extra):
    customer = make_customer(f"C{n}", f"Client {n}")
    invoice = make_invoice(customer, f"F{n}", "1000.00")
    return open_dispute(
        actor,
        customer=customer,
        lines=[(invoice, "400.00")],
        reason=reason,
        raised_on=raised_on or dt.date(2026, 3, 2),
        **extra,
    )


def _numbers(response):
    return [row.number for row in response.context["disputes"]]


def test_it_shows_a_member_their_department_nearest_deadline_first(
    client, collector, department_member
):
    later = _dispute(collector, 1, raised_on=today() - dt.timedelta(days=1))
    sooner = _dispute(collector, 2, raised_on=dt.date(2026, 3, 2))
    _dispute(collector, 3, reason="B1")  # logistics: not theirs
    client.force_login(department_member)
    response = client.get("/disputes/")
    assert response.context["page"].tab == "department"
    assert _numbers(response) == [sooner.number, later.number]
    html = response.content.decode()
    assert 'data-badge="late"' in html and "Client 3" not in html
    assert [t for t in response.context["page"].tabs] == ["mine", "department"]


def test_it_shows_a_member_the_disputes_they_own_under_mine(client, collector, department_member):
    theirs = _dispute(collector, 1, reason="B1", owner=department_member)
    _dispute(collector, 2)
    client.force_login(department_member)
    assert _numbers(client.get("/disputes/?tab=mine")) == [theirs.number]
    # A tab they do not have falls back to their department's.
    assert client.get("/disputes/?tab=all").context["page"].tab == "department"


def test_it_lets_collectors_filter_every_department(client, collector):
    billing = _dispute(collector, 1)
    logistics = _dispute(collector, 2, reason="B1")
    client.force_login(collector)
    assert set(_numbers(client.get("/disputes/"))) == {billing.number, logistics.number}
    assert _numbers(client.get("/disputes/?tab=all&department=logistics")) == [logistics.number]
    table = client.get("/disputes/?tab=all&department=logistics", **HTMX).content.decode()
    assert "<html" not in table and 'id="dispute-table"' in table  # htmx gets the table alone
    assert logistics.number in table and billing.number not in table
    assert _numbers(client.get("/disputes/?reason_code=A1")) == [billing.number]
    assert _numbers(client.get(f"/disputes/?owner={collector.pk}")) == []


def test_it_filters_late_ones_and_hides_settled_ones_by_default(client, collector):
    late = _dispute(collector, 1)
    on_time = _dispute(collector, 2, raised_on=today())
    client.force_login(collector)
    assert _numbers(client.get("/disputes/?late=on")) == [late.number]
    Dispute.objects.filter(pk=on_time.pk).update(status=Status.IN_PROGRESS)
    assert _numbers(client.get("/disputes/?status=in_progress")) == [on_time.number]
    html = client.get("/disputes/").content.decode()
    assert 'data-badge="late"' in html


def test_it_flags_and_filters_disputes_ready_to_close(client, collector):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "10000.00")
    cleared = open_dispute(collector, customer=customer, lines=[(invoice, "2500.00")])
    still = _dispute(collector, 2)
    credit_note = make_credit_note(customer, "AV1", "-2500.00")
    credit_note_allocate(actor=collector, credit_note=credit_note, invoice=invoice, amount="2500")
    client.force_login(collector)
    response = client.get("/disputes/")
    flags = {row.number: row.is_ready_to_close for row in response.context["disputes"]}
    assert flags == {cleared.number: True, still.number: False}
    assert 'data-badge="ready"' in response.content.decode()
    assert _numbers(client.get("/disputes/?ready=on")) == [cleared.number]
    page = client.get(f"/disputes/{cleared.pk}/").content.decode()
    assert 'id="ready-to-close"' in page
    assert 'id="ready-to-close"' not in client.get(f"/disputes/{still.pk}/").content.decode()


def test_it_pages_with_a_cursor_in_deadline_order(collector):
    disputes = [_dispute(collector, n, raised_on=dt.date(2026, 3, n)) for n in range(2, 9)]
    unqualified = _dispute(collector, 9, reason=None)
    seen, cursor = [], None
    while True:
        page = worklist_page(
            user=collector, filters=WorklistFilters(tab="all"), cursor=cursor, limit=3
        )
        seen += [row.number for row in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = sorted(disputes, key=lambda d: (d.target_date, d.pk))
    assert seen == [d.number for d in expected] + [unqualified.number]


def test_it_ignores_a_foreign_cursor(client, collector):
    _dispute(collector, 1)
    client.force_login(collector)
    response = client.get("/disputes/?cursor=not-a-cursor")
    assert response.status_code == 200 and len(response.context["disputes"]) == 1


def test_it_reads_a_page_in_a_fixed_number_of_queries(client, collector):
    for n in range(1, 4):
        _dispute(collector, n)
    client.force_login(collector)
    client.get("/disputes/")
    with CaptureQueriesContext(connection) as few:
        client.get("/disputes/")
    for n in range(4, 12):
        _dispute(collector, n)
    with CaptureQueriesContext(connection) as many:
        client.get("/disputes/")
    assert len(many) == len(few)


def test_it_comments_and_proposes_a_solution_from_a_row(client, department_member, collector):
    dispute = _dispute(collector, 1)
    client.force_login(department_member)
    url = f"/disputes/{dispute.pk}/"
    answer = client.post(url + "comment/", {"comment": "Je vérifie", "row": "1"}, **HTMX)
    assert answer.status_code == 200
    assert f'id="dispute-row-{dispute.pk}"' in answer.content.decode()
    answer = client.post(url + "propose/", {"comment": "Avoir de 400 €", "row": "1"}, **HTMX)
    dispute.refresh_from_db()
    assert dispute.status == Status.SOLUTION_PROPOSED
    assert "Solution proposée" in answer.content.decode()
    assert list(dispute.events.values_list("type", flat=True))[-2:] == ["comment", "transition"]


def test_it_attaches_a_credit_note_from_a_row(client, department_member, collector):
    dispute = _dispute(collector, 1)
    client.force_login(department_member)
    data = {
        "row": "1",
        "outcome": "credit_note",
        "founded": "yes",
        "credit_note_number": "AV-2026-7",
        "credit_note_amount": "400.00",
        "root_cause": "1",
    }
    client.post(f"/disputes/{dispute.pk}/credit-note/", data, **HTMX)
    dispute.refresh_from_db()
    assert dispute.status == Status.RESOLVED and dispute.credit_note_number == "AV-2026-7"
    assert dispute.founded is True


def test_it_shows_a_refusal_in_the_row(client, department_member, collector):
    dispute = _dispute(collector, 1)
    client.force_login(department_member)
    data = {"row": "1", "outcome": "credit_note", "founded": "yes", "root_cause": "1"}
    answer = client.post(f"/disputes/{dispute.pk}/credit-note/", data, **HTMX)
    assert "Indiquez le numéro de l&#x27;avoir." in answer.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Status.QUALIFIED


def test_it_hands_over_from_a_row_and_the_row_leaves_the_worklist(
    client, department_member, collector
):
    dispute = _dispute(collector, 1)
    client.force_login(department_member)
    logistics = Department.objects.get(code="logistics")
    answer = client.post(
        f"/disputes/{dispute.pk}/hand-over/",
        {"row": "1", "department": logistics.pk, "comment": "Erreur de livraison"},
        **HTMX,
    )
    dispute.refresh_from_db()
    assert dispute.department == logistics
    assert "a quitté votre liste" in answer.content.decode()
    assert client.get(f"/disputes/{dispute.pk}/").status_code == 404
