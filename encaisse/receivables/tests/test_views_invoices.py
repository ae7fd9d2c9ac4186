import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from encaisse.audit.models import AuditEntry
from encaisse.company.selectors import company_get
from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.receivables.choices import InvoiceStatus, Source
from encaisse.receivables.models import Invoice, Payment
from encaisse.receivables.services import credit_note_allocate, payment_create

from .factories import make_credit_note, make_customer, make_invoice

pytestmark = pytest.mark.django_db

LIST = "/invoices/"


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


@pytest.fixture
def ledger():
    dupont = make_customer("C1", "Dupont SA")
    martin = make_customer("C2", "Martin SARL")
    make_invoice(dupont, "F-LATE", "100.00", due=days(-10), issued=days(-40))
    make_invoice(dupont, "F-VERYLATE", "2500.00", due=days(-100), issued=days(-130))
    make_invoice(dupont, "F-SOON", "5000.00", due=days(10), issued=days(-20))
    make_invoice(
        martin,
        "F-PAID",
        "300.00",
        open_amount="0",
        status=InvoiceStatus.SETTLED,
        due=days(-5),
        issued=days(-35),
    )
    make_credit_note(martin, "AV1", "-200.00", due=days(-3), issued=days(-3))
    return dupont, martin


def numbers(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr data-number="([^"]+)"', response.content.decode())


# Permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [LIST, "/invoices/export/csv/", "/invoices/export/xlsx/", "/invoices/1/"],
)
def test_it_sends_anonymous_users_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_the_ledger_to_a_department_member(department_client, ledger):
    invoice = Invoice.objects.get(number="F-LATE")
    for url in (LIST, "/invoices/export/csv/", f"/invoices/{invoice.pk}/"):
        assert department_client.get(url).status_code == 403
    response = department_client.post(f"/invoices/{invoice.pk}/edit/", {"due_date": "2030-01-01"})
    assert response.status_code == 403


def test_it_lets_read_only_users_view_but_not_edit(read_only_client, ledger):
    invoice = Invoice.objects.get(number="F-LATE")
    assert read_only_client.get(LIST).status_code == 200
    page = read_only_client.get(f"/invoices/{invoice.pk}/")
    assert page.status_code == 200
    assert b'id="invoice-edit"' not in page.content
    response = read_only_client.post(
        f"/invoices/{invoice.pk}/edit/",
        {"due_date": "2030-01-01", "reference": "X", "label": ""},
    )
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.due_date == days(-10)


@pytest.mark.parametrize("persona", ["collector_client", "manager_client", "admin_client_"])
def test_it_lets_ledger_editors_see_the_edit_form(request, persona, ledger):
    client = request.getfixturevalue(persona)
    invoice = Invoice.objects.get(number="F-LATE")
    assert b'id="invoice-edit"' in client.get(f"/invoices/{invoice.pk}/").content
    assert client.get(LIST).status_code == 200


def test_it_answers_404_for_a_missing_invoice(collector_client):
    assert collector_client.get("/invoices/999999/").status_code == 404
    response = collector_client.post("/invoices/999999/edit/", {"due_date": "2030-01-01"})
    assert response.status_code == 404


def test_it_answers_404_for_an_unknown_export_format(read_only_client):
    assert read_only_client.get("/invoices/export/pdf/").status_code == 404


# Filters --------------------------------------------------------------------------------------


def test_it_lists_open_documents_by_due_date_by_default(read_only_client, ledger):
    assert numbers(read_only_client.get(LIST)) == ["F-VERYLATE", "F-LATE", "AV1", "F-SOON"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=overdue", ["F-VERYLATE", "F-LATE"]),
        ("status=settled", ["F-PAID"]),
        ("status=all", ["F-VERYLATE", "F-LATE", "F-PAID", "AV1", "F-SOON"]),
        ("kind=credit_note", ["AV1"]),
        ("kind=invoice", ["F-VERYLATE", "F-LATE", "F-SOON"]),
        ("bucket=not_due", ["F-SOON"]),
        ("bucket=days_1_30", ["F-LATE", "AV1"]),
        ("bucket=days_over_90", ["F-VERYLATE"]),
        (f"due_after={days(-10)}&due_before={days(0)}", ["F-LATE", "AV1"]),
        ("customer=martin&status=all", ["F-PAID", "AV1"]),
        ("customer=c1", ["F-VERYLATE", "F-LATE", "F-SOON"]),
        ("min_amount=100&max_amount=2500", ["F-VERYLATE", "F-LATE"]),
        ("max_amount=0", ["AV1"]),
        ("number=f-so", ["F-SOON"]),
        ("number=F-VERY", ["F-VERYLATE"]),
        ("number=AV&status=all", ["AV1"]),
        ("customer=c1&sort=-amount", ["F-SOON", "F-VERYLATE", "F-LATE"]),
        ("customer=c1&sort=open_amount", ["F-LATE", "F-VERYLATE", "F-SOON"]),
        ("sort=-due_date", ["F-SOON", "AV1", "F-LATE", "F-VERYLATE"]),
    ],
)
def test_it_filters_and_sorts(read_only_client, ledger, query, expected):
    assert numbers(read_only_client.get(f"{LIST}?{query}")) == expected


def test_it_sorts_the_whole_ledger_by_due_date_and_says_so_when_asked_for_amounts(
    read_only_client, ledger
):
    response = read_only_client.get(f"{LIST}?sort=-amount")
    assert numbers(response) == ["F-VERYLATE", "F-LATE", "AV1", "F-SOON"]
    assert 'id="sort-ignored"' in response.content.decode()
    narrowed = read_only_client.get(f"{LIST}?customer=c1&sort=-amount")
    assert 'id="sort-ignored"' not in narrowed.content.decode()


def test_it_filters_by_customer_id_from_a_link(read_only_client, ledger):
    dupont, _martin = ledger
    response = read_only_client.get(f"{LIST}?customer_id={dupont.pk}&status=all")
    assert numbers(response) == ["F-VERYLATE", "F-LATE", "F-SOON"]
    assert "Dupont SA (C1)" in response.content.decode()


def test_it_reports_a_bad_filter_and_ignores_it(read_only_client, ledger):
    response = read_only_client.get(f"{LIST}?min_amount=abc&status=overdue")
    assert numbers(response) == ["F-VERYLATE", "F-LATE"]
    assert 'class="errorlist"' in response.content.decode()


@pytest.mark.parametrize("sort", ["due_date", "-due_date", "-amount", "open_amount"])
def test_it_pages_with_a_keyset_cursor_across_statuses(read_only_client, sort):
    customer = make_customer()
    for n in range(120):
        settled = n % 3 == 0
        make_invoice(
            customer,
            f"F{n:03}",
            f"{100 + n % 11}.00",
            open_amount="0" if settled else None,
            status=InvoiceStatus.SETTLED if settled else InvoiceStatus.OPEN,
            due=days(n % 7),
            issued=days(-30),
        )
    seen, url = [], f"{LIST}?status=all&customer_id={customer.pk}&sort={sort}"
    for _page in range(5):
        response = read_only_client.get(url)
        seen += numbers(response)
        found = re.search(r'href="\?([^"]+)" id="next-page"', response.content.decode())
        if not found:
            break
        url = f"{LIST}?{found.group(1).replace('&amp;', '&')}"
    field = sort.lstrip("-")
    expected = sorted(
        Invoice.objects.all(),
        key=lambda i: (getattr(i, field), i.pk),
        reverse=sort.startswith("-"),
    )
    assert seen == [i.number for i in expected]
    # A cursor this list never handed out restarts from the first page.
    assert len(numbers(read_only_client.get(f"{LIST}?status=all&after=nonsense"))) == 50


def test_it_serves_the_table_fragment_to_htmx(read_only_client, ledger):
    response = read_only_client.get(f"{LIST}?status=overdue", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="card" id="invoice-table">')
    assert "<html" not in content
    assert numbers(response) == ["F-VERYLATE", "F-LATE"]


def test_it_lists_without_a_query_per_invoice(read_only_client, django_assert_max_num_queries):
    for code in ("C1", "C2", "C3"):
        customer = make_customer(code, f"Client {code}")
        for n in range(20):
            make_invoice(customer, f"{code}-{n}")
    company_get()
    # session, user, company buckets, invoices (one read per status, merged), hold badges
    with django_assert_max_num_queries(6):
        response = read_only_client.get(f"{LIST}?status=all")
    assert len(numbers(response)) == 50


# Exports --------------------------------------------------------------------------------------


def test_it_exports_the_filtered_list_as_csv(read_only_client, ledger):
    response = read_only_client.get("/invoices/export/csv/?status=overdue")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["number"] for r in rows] == ["F-VERYLATE", "F-LATE"]
    assert rows[0]["amount"] == "2500.00"
    assert rows[0]["days_overdue"] == "100"
    assert rows[0]["due_date"] == days(-100).isoformat()
    assert rows[0]["customer_name"] == "Dupont SA"


def test_it_exports_every_matching_row_not_only_the_page(read_only_client):
    customer = make_customer()
    for n in range(75):
        make_invoice(customer, f"F{n:03}")
    response = read_only_client.get("/invoices/export/csv/")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 76


def test_it_exports_the_filtered_list_as_excel(read_only_client, ledger):
    response = read_only_client.get("/invoices/export/xlsx/?kind=credit_note")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert sheet.max_row == 2
    assert row["number"] == "AV1" and row["amount"] == -200
    assert sheet.cell(2, header.index("due_date") + 1).is_date


# Detail and edit ------------------------------------------------------------------------------


def test_it_shows_an_invoice_with_what_was_applied_and_its_history(collector, collector_client):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "1000.00", due=days(-12))
    note = make_credit_note(customer, "AV9", "-100.00")
    credit_note_allocate(actor=collector, credit_note=note, invoice=invoice, amount="100.00")
    payment_create(
        actor=collector,
        customer=customer,
        reference="VIR-42",
        received_on=days(-1),
        amount="250.00",
        method="transfer",
        allocations=[(invoice, "250.00")],
        source=Source.MANUAL,
    )
    content = collector_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "VIR-42" in content and "AV9" in content
    assert "650,00" in content  # open amount
    assert "12 jours de retard" in content
    note_page = collector_client.get(f"/invoices/{note.pk}/").content.decode()
    assert f'href="/invoices/{invoice.pk}/"' in note_page


def test_it_shows_the_detail_in_a_few_queries(collector_client, django_assert_max_num_queries):
    customer = make_customer()
    invoice = make_invoice(customer, "F1")
    for n in range(5):
        Payment.objects.create(
            customer=customer,
            reference=f"VIR-{n}",
            received_on=today(),
            amount="10.00",
            unallocated_amount="0",
            source=Source.MANUAL,
        ).allocations.create(invoice=invoice, amount="10.00", allocated_on=today())
    # session, user, invoice, allocations, history; dunning history: actions, events,
    # promises, blocks; the hold badge
    with django_assert_max_num_queries(11):
        response = collector_client.get(f"/invoices/{invoice.pk}/")
    # a dash keeps the reference from matching inside the page's CSRF tokens
    assert response.content.decode().count("VIR-4") == 1


def test_it_corrects_the_due_date_reference_and_label(collector_client):
    invoice = make_invoice(make_customer(), "F1", due=days(-10))
    response = collector_client.post(
        f"/invoices/{invoice.pk}/edit/",
        {"due_date": days(20).isoformat(), "reference": "PO-77", "label": "Maintenance"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.reference, invoice.label) == (
        days(20),
        "PO-77",
        "Maintenance",
    )
    entry = AuditEntry.objects.get(action="update")
    assert set(entry.changes) == {"due_date", "reference", "label"}
    customer = Customer.objects.get()
    assert customer.overdue_balance == 0  # balances refreshed: no longer overdue


def test_it_refuses_a_bad_due_date_naming_the_field(collector_client):
    invoice = make_invoice(make_customer(), "F1", due=days(-10))
    response = collector_client.post(
        f"/invoices/{invoice.pk}/edit/", {"due_date": "31/02/2026", "reference": "X"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_due_date"' in content and 'class="errorlist"' in content
    assert days(-10).strftime("%d/%m/%Y") in content  # the stored date is still shown
    invoice.refresh_from_db()
    assert invoice.reference == ""
