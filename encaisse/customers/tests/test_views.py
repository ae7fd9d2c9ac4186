"""The customers pages: list (filters, htmx table, keyset pages), a customer's page, create and
edit, contacts; who may open each; how many queries they cost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from encaisse.audit.models import AuditEntry
from encaisse.core.dates import today
from encaisse.customers.models import Contact, Customer

from .builders import SIREN, make_contact, make_customer, make_invoice, make_settled

pytestmark = pytest.mark.django_db


def _customer(**extra):
    customer = make_customer(**extra)
    make_invoice(customer, "F-OPEN", "1200.00", due=today() - dt.timedelta(days=10))
    make_invoice(customer, "F-NEXT", "800.00", due=today() + dt.timedelta(days=20))
    make_settled(
        customer,
        "F-PAID",
        "500.00",
        due=today() - dt.timedelta(days=40),
        settled_on=today() - dt.timedelta(days=30),
    )
    return customer


def _urls(customer, contact):
    c, k = customer.pk, contact.pk
    return {
        "list": reverse("customers:list"),
        "new": reverse("customers:new"),
        "detail": reverse("customers:detail", args=[c]),
        "edit": reverse("customers:edit", args=[c]),
        "contact_new": reverse("customers:contact_new", args=[c]),
        "contact_edit": reverse("customers:contact_edit", args=[c, k]),
        "contact_delete": reverse("customers:contact_delete", args=[c, k]),
    }


READ_PAGES = ["list", "detail"]
WRITE_PAGES = ["new", "edit", "contact_new", "contact_edit"]


# Who may open what --------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*READ_PAGES, *WRITE_PAGES, "contact_delete"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, name):
    customer = make_customer()
    url = _urls(customer, make_contact(customer))[name]
    response = client.post(url) if name == "contact_delete" else client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", [*READ_PAGES, *WRITE_PAGES, "contact_delete"])
def test_department_members_see_no_customer_page(department_client, name):
    customer = make_customer()
    url = _urls(customer, make_contact(customer))[name]
    response = (
        department_client.post(url) if name == "contact_delete" else department_client.get(url)
    )
    assert response.status_code == 403
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("name", WRITE_PAGES + ["contact_delete"])
def test_read_only_users_cannot_change_anything(read_only_client, name):
    customer = make_customer()
    url = _urls(customer, make_contact(customer))[name]
    assert read_only_client.post(url, {"name": "Changed", "code": "X"}).status_code == 403
    assert Customer.objects.get().name == "Dupont SA" and Contact.objects.count() == 1


@pytest.mark.parametrize(
    "client_name", ["read_only_client", "collector_client", "manager_client", "admin_client_"]
)
@pytest.mark.parametrize("name", READ_PAGES)
def test_every_ledger_role_reads_the_customers(request, client_name, name):
    customer = _customer()
    client = request.getfixturevalue(client_name)
    response = client.get(_urls(customer, make_contact(customer))[name])
    assert response.status_code == 200
    assert "Dupont SA" in response.content.decode()


@pytest.mark.parametrize("client_name", ["collector_client", "manager_client", "admin_client_"])
@pytest.mark.parametrize("name", WRITE_PAGES)
def test_every_editing_role_opens_the_forms(request, client_name, name):
    customer = make_customer()
    client = request.getfixturevalue(client_name)
    assert client.get(_urls(customer, make_contact(customer))[name]).status_code == 200


@pytest.mark.parametrize("name", ["detail", "edit", "contact_new"])
def test_it_answers_404_for_a_missing_customer(collector_client, name):
    customer = make_customer()
    urls = _urls(customer, make_contact(customer))
    missing = urls[name].replace(f"/{customer.pk}/", "/999/")
    assert collector_client.get(missing).status_code == 404


def test_it_answers_404_for_a_contact_of_another_customer(collector_client):
    customer = make_customer()
    other = make_customer("C2", "Other")
    foreign = make_contact(other, "Ailleurs")
    assert (
        collector_client.get(
            reverse("customers:contact_edit", args=[customer.pk, foreign.pk])
        ).status_code
        == 404
    )
    response = collector_client.post(
        reverse("customers:contact_delete", args=[customer.pk, foreign.pk])
    )
    assert response.status_code == 404 and Contact.objects.filter(pk=foreign.pk).exists()


def test_it_hides_edit_buttons_from_read_only_users(read_only_client):
    customer = make_customer()
    make_contact(customer)
    page = read_only_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("customers:edit", args=[customer.pk]) not in page
    assert reverse("customers:contact_new", args=[customer.pk]) not in page
    page = read_only_client.get(reverse("customers:list")).content.decode()
    assert reverse("customers:new") not in page


# The list -----------------------------------------------------------------------------------


def test_it_lists_customers_most_overdue_first_in_a_bounded_number_of_queries(
    collector_client, collector, django_assert_max_num_queries
):
    for n in range(30):
        make_customer(f"C{n:03d}", f"Client {n}", overdue_balance=Decimal(n), collector=collector)
    with django_assert_max_num_queries(6):
        response = collector_client.get(reverse("customers:list"))
    page = response.content.decode()
    assert page.index("Client 29") < page.index("Client 28") < page.index("Client 0<")
    assert "29,00" in page


def test_the_list_query_count_does_not_grow_with_the_rows(
    collector_client, collector, django_assert_num_queries, django_assert_max_num_queries
):
    make_customer("A", "Alpha", collector=collector)
    with django_assert_max_num_queries(6) as few:
        collector_client.get(reverse("customers:list"))
    for n in range(40):
        make_customer(f"C{n:03d}", f"Client {n}", collector=collector)
    with django_assert_num_queries(len(few.captured_queries)):
        collector_client.get(reverse("customers:list"))


def test_htmx_requests_get_the_table_alone(collector_client):
    make_customer("C1", "Dupont SA", siren=SIREN)
    make_customer("C2", "Martin SARL")
    response = collector_client.get(
        reverse("customers:list"), {"q": "552 100"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="customer-table">')
    assert "<html" not in html and 'id="customer-filters"' not in html
    assert "Dupont SA" in html and "Martin SARL" not in html


def test_my_customers_keeps_the_collector_s_own(collector_client, collector, credit_manager):
    make_customer("C1", "Mine", collector=collector)
    make_customer("C2", "Someone else's", collector=credit_manager)
    make_customer("C3", "Nobody's")
    page = collector_client.get(reverse("customers:list"), {"collector": "me"}).content.decode()
    table = page.split('id="customer-table"')[1]
    assert "Mine" in table and "Someone else" not in table and "Nobody" not in table
    page = collector_client.get(reverse("customers:list"), {"collector": "none"}).content.decode()
    table = page.split('id="customer-table"')[1]
    assert "Nobody" in table and "Mine" not in table


def test_it_pages_with_a_cursor_and_keeps_the_filters(collector_client, settings):
    for n in range(55):
        make_customer(f"C{n:03d}", f"Client {n:03d}", overdue_balance=Decimal(1))
    make_customer("Z", "Not overdue")
    response = collector_client.get(reverse("customers:list"), {"overdue": "on", "sort": "code"})
    context = response.context
    assert len(context["customers"]) == 50 and context["page"].next_cursor
    second = collector_client.get(
        reverse("customers:list"),
        {"overdue": "on", "sort": "code", "cursor": context["page"].next_cursor},
    )
    assert [c.code for c in second.context["customers"]] == [f"C{n:03d}" for n in range(50, 55)]
    assert "overdue=on&amp;sort=code" in second.content.decode()  # the "first page" link
    assert second.context["page"].next_cursor is None


def test_a_cursor_from_another_sort_shows_the_first_page(collector_client):
    make_customer()
    response = collector_client.get(reverse("customers:list"), {"cursor": "nonsense"})
    assert response.status_code == 200 and len(response.context["customers"]) == 1


# A customer's page --------------------------------------------------------------------------


def test_the_customer_page_shows_balances_terms_contacts_invoices_and_history(
    collector_client, collector
):
    customer = _customer(collector=collector, terms_kind="eom", terms_days=45)
    make_contact(customer, "Jeanne Martin", is_billing_contact=True, email="jeanne@example.com")
    AuditEntry.objects.create(
        action="update",
        object_type="customers.customer",
        object_id=str(customer.pk),
        object_repr=str(customer),
        changes={"email": {"from": "a@x.fr", "to": "b@x.fr"}},
    )
    page = collector_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-kpi="open-balance">2\u202f000,00 €' in page
    assert 'data-kpi="overdue">1\u202f200,00 €' in page
    assert 'data-kpi="days-late">10,0 j' in page
    assert 'data-bucket="days_1_30">1\u202f200,00' in page
    assert "45 jours fin de mois" in page and str(collector) in page
    assert "Jeanne Martin" in page and "facturation" in page
    open_part = page.split('id="open-invoices"')[1].split('id="settled-invoices"')[0]
    assert "F-OPEN" in open_part and "F-NEXT" in open_part and "F-PAID" not in open_part
    assert "F-PAID" in page.split('id="settled-invoices"')[1]
    assert "Aucune activité pour l’instant" in page
    assert "b@x.fr" in page.split('id="history"')[1]


def test_the_customer_page_costs_the_same_queries_whatever_its_size(
    collector_client, django_assert_num_queries
):
    customer = _customer()
    url = reverse("customers:detail", args=[customer.pk])
    collector_client.get(url)  # creates the company row with its defaults on first use
    # 15 for the page, 7 for the dunning timeline and its forms (one per source), 1 for the
    # false-dispute score card, 1 for the risk card (insights).
    with django_assert_num_queries(24, exact=False) as few:
        collector_client.get(url)
    for n in range(30):
        make_invoice(customer, f"X{n}", "10.00", due=today() - dt.timedelta(days=n))
        make_contact(customer, f"Contact {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = collector_client.get(url)
    assert response.context["open_invoices"].paginator.num_pages == 2


# Forms ---------------------------------------------------------------------------------------


def test_a_collector_creates_a_customer(collector_client, collector):
    response = collector_client.post(
        reverse("customers:new"),
        {
            "code": "C9",
            "name": "Nouveau client",
            "siren": "552 100 554",
            "language": "fr",
            "country": "fr",
            "collector": collector.pk,
        },
    )
    customer = Customer.objects.get(code="C9")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.siren == SIREN and customer.country == "FR" and customer.collector == collector
    assert AuditEntry.objects.get(object_id=str(customer.pk)).actor == collector


def test_the_form_shows_bad_identifiers_and_duplicate_codes_on_their_fields(collector_client):
    make_customer(code="C1")
    response = collector_client.post(
        reverse("customers:new"),
        {"code": "C1", "name": "Doublon", "siren": "123456789", "language": "fr", "country": "FR"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "siren" in errors and "code" in errors
    assert errors["siren"] == [
        "123456789 n'est pas un SIREN valide (9 chiffres avec une clé valide)."
    ]
    assert "SIREN valide" in response.content.decode()
    assert Customer.objects.count() == 1


def test_a_collector_edits_a_customer_and_the_change_is_recorded(collector_client, collector):
    customer = make_customer()
    data = {
        "code": "C1",
        "name": "Dupont et Cie",
        "language": "fr",
        "country": "FR",
        "on_hold": "on",
        "terms_kind": "net",
        "terms_days": "60",
    }
    response = collector_client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Dupont et Cie" and customer.on_hold and customer.terms_days == 60
    entry = AuditEntry.objects.get(object_id=str(customer.pk))
    assert entry.changes["name"] == {"from": "Dupont SA", "to": "Dupont et Cie"}
    page = collector_client.get(response["Location"]).content.decode()
    assert "Dupont et Cie" in page.split('id="history"')[1]


def test_a_collector_adds_edits_and_removes_a_contact(collector_client):
    customer = make_customer()
    response = collector_client.post(
        reverse("customers:contact_new", args=[customer.pk]),
        {"name": "Paul Durand", "email": "paul@example.com", "is_billing_contact": "on"},
    )
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    contact = Contact.objects.get(customer=customer)
    assert contact.is_billing_contact
    collector_client.post(
        reverse("customers:contact_edit", args=[customer.pk, contact.pk]),
        {"name": "Paul Durand", "email": "paul.durand@example.com"},
    )
    contact.refresh_from_db()
    assert contact.email == "paul.durand@example.com" and not contact.is_billing_contact
    collector_client.post(reverse("customers:contact_delete", args=[customer.pk, contact.pk]))
    assert not Contact.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(customer.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["contact_create", "contact_update", "contact_delete"]


def test_removing_a_contact_needs_a_post(collector_client):
    customer = make_customer()
    contact = make_contact(customer)
    url = reverse("customers:contact_delete", args=[customer.pk, contact.pk])
    assert collector_client.get(url).status_code == 405
    assert Contact.objects.exists()


def test_a_bad_filter_value_is_ignored_and_the_others_kept(collector_client):
    make_customer("C1", "Dupont SA")
    make_customer("C2", "Martin SARL")
    response = collector_client.get(reverse("customers:list"), {"q": "martin", "collector": "x"})
    assert [c.code for c in response.context["customers"]] == ["C2"]
