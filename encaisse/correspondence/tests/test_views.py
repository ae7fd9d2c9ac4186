import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from encaisse.correspondence.models import Letter, Template
from encaisse.correspondence.services import action_dispatch
from encaisse.customers.models import Customer

from .factories import TODAY, make_action, make_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters():
    customer, invoices = make_ledger()
    return [
        action_dispatch(
            action=make_action(
                customer, [invoice], channel="letter", template_code="reminder-letter"
            ),
            today=TODAY,
        )
        for invoice in invoices
    ]


def template(code="first-reminder", language="fr"):
    return Template.objects.get(code=code, language=language)


LETTER_PAGES = [("correspondence:letters", {}), ("correspondence:letter_pdf", "letter")]
TEMPLATE_PAGES = [
    ("correspondence:templates", {}),
    ("correspondence:template_edit", "template"),
    ("correspondence:template_preview_pdf", "letter-template"),
]


def url_for(name, kind, letters):
    if kind == "letter":
        return reverse(name, args=[letters[0].pk])
    if kind == "template":
        return reverse(name, args=[template().pk])
    if kind == "letter-template":
        return reverse(name, args=[template("reminder-letter").pk])
    return reverse(name)


@pytest.mark.parametrize(("name", "kind"), LETTER_PAGES + TEMPLATE_PAGES)
def test_it_sends_anonymous_users_to_the_login_page(client, letters, name, kind):
    response = client.get(url_for(name, kind, letters))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "kind"), LETTER_PAGES)
def test_letters_need_edit_ledger(read_only, department_member, collector, letters, name, kind):
    url = url_for(name, kind, letters)
    assert client_of(read_only).get(url).status_code == 403
    assert client_of(department_member).get(url).status_code == 403
    assert client_of(collector).get(url).status_code == 200


@pytest.mark.parametrize(("name", "kind"), TEMPLATE_PAGES)
def test_templates_need_manage_settings(
    collector, read_only, department_member, credit_manager, letters, name, kind
):
    url = url_for(name, kind, letters)
    for user in (collector, read_only, department_member):
        assert client_of(user).get(url).status_code == 403
    assert client_of(credit_manager).get(url).status_code == 200


def test_it_answers_404_for_a_missing_letter_or_template(collector_client, admin_client_):
    assert collector_client.get(reverse("correspondence:letter_pdf", args=[999])).status_code == 404
    url = reverse("correspondence:template_edit", args=[999])
    assert admin_client_.get(url).status_code == 404


def test_print_needs_edit_ledger(read_only_client, letters):
    response = read_only_client.post(reverse("correspondence:letters_print"))
    assert response.status_code == 403
    assert Letter.objects.filter(printed_at__isnull=True).count() == 2


def test_the_letters_page_lists_letters_to_print(
    collector_client, letters, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = collector_client.get(reverse("correspondence:letters"))
    content = response.content.decode()
    assert content.count("Relance pour factures impayées") == 2
    assert "Télécharger les 2 lettres en un seul PDF" in content


def test_it_downloads_every_letter_as_one_pdf_and_marks_them_printed(
    collector_client, collector, letters
):
    response = collector_client.post(reverse("correspondence:letters_print"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 2
    assert "FA-2025-0042" in text and "FA-2026-0007" in text
    assert set(Letter.objects.values_list("printed_by", flat=True)) == {collector.pk}
    page = collector_client.get(reverse("correspondence:letters")).content.decode()
    page = page.replace("&#x27;", "’").replace("'", "’")
    assert "Aucune lettre en attente d’impression" in page
    assert collector_client.post(reverse("correspondence:letters_print")).status_code == 302


def test_the_templates_page_lists_every_shipped_template(
    admin_client_, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = admin_client_.get(reverse("correspondence:templates"))
    content = response.content.decode()
    for code in ("reminder-before-due", "first-reminder", "reminder-letter", "formal-notice"):
        assert code in content
    assert "dispute-acknowledgement" in content  # the dispute emails (disputes 0003_portal)
    assert Template.objects.count() == 16 + 10


def test_it_saves_a_template(admin_client_, admin_user):
    url = reverse("correspondence:template_edit", args=[template().pk])
    response = admin_client_.post(
        url,
        {
            "subject": "Relance {{ customer.code }}",
            "body": "Bonjour {{ contact.name }}",
            "save": "",
        },
    )
    assert response.status_code == 302
    saved = template()
    assert (saved.subject, saved.body) == (
        "Relance {{ customer.code }}",
        "Bonjour {{ contact.name }}",
    )
    page = admin_client_.get(url).content.decode()
    for variable in ("customer", "contact", "company", "invoices", "total", "penalties", "today"):
        assert f"<dt>{variable}</dt>" in page  # the documented variables


def test_it_refuses_a_template_that_does_not_compile(admin_client_):
    url = reverse("correspondence:template_edit", args=[template().pk])
    response = admin_client_.post(url, {"subject": "ok", "body": "{% for x in %}", "save": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert template().body != "{% for x in %}"


def test_it_previews_unsaved_text_on_a_real_customer(admin_client_):
    make_ledger()
    url = reverse("correspondence:template_edit", args=[template().pk])
    response = admin_client_.post(
        url,
        {
            "subject": "Pour {{ customer.name }}",
            "body": "Total {{ total|money }} €",
            "customer": "DUP",
            "preview": "",
        },
    )
    content = response.content.decode().replace("\u202f", " ")
    assert "Pour Dupont SA" in content
    assert "Total 3 500,00 €" in content
    assert template().subject != "Pour {{ customer.name }}"  # a preview saves nothing


def test_it_shows_a_rendering_error_instead_of_failing(admin_client_):
    make_ledger()
    url = reverse("correspondence:template_edit", args=[template().pk])
    response = admin_client_.post(
        url, {"subject": "x", "body": "{{ total|no_such_filter }}", "customer": "", "preview": ""}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce modèle ne peut pas être rendu" in content and "no_such_filter" in content


def test_it_names_an_unknown_customer(admin_client_):
    url = reverse("correspondence:template_edit", args=[template().pk])
    response = admin_client_.post(
        url, {"subject": "x", "body": "y", "customer": "NOPE", "preview": ""}
    )
    content = response.content.decode().replace("&#x27;", "'")
    assert "Aucun client n'a le code NOPE." in content


@pytest.mark.usefixtures("rates_through_today")
def test_it_previews_a_letter_template_as_pdf_in_english(admin_client_):
    customer, _ = make_ledger()
    Customer.objects.filter(pk=customer.pk).update(language="en")
    url = reverse("correspondence:template_preview_pdf", args=[template("formal-notice", "en").pk])
    response = admin_client_.get(url + "?customer=DUP")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Formal notice to pay" in text and "Fixed indemnity" in text and "40.00 €" in text
