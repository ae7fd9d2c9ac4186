import pytest
from django.urls import reverse

from encaisse.audit.models import AuditEntry
from encaisse.company.selectors import company_get
from encaisse.core.dates import TermsKind

pytestmark = pytest.mark.django_db

SETTINGS = reverse("company:settings")
PREVIEW = reverse("company:preview")
VALID = {
    "name": "Dupont Industrie",
    "legal_form": "SAS",
    "siren": "552 100 554",
    "vat_number": "FR40303265045",
    "address": "1 rue de la Paix\n75002 Paris",
    "email": "compta@dupont.fr",
    "phone": "01 23 45 67 89",
    "default_terms_kind": TermsKind.END_OF_MONTH,
    "default_terms_days": "45",
    "aging_bucket_bounds": "15, 30, 60, 90",
}


@pytest.mark.parametrize("url", [SETTINGS, PREVIEW])
def test_it_sends_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("persona", ["collector_client", "department_client", "read_only_client"])
@pytest.mark.parametrize("url", [SETTINGS, PREVIEW])
def test_it_refuses_the_settings_without_manage_settings(request, persona, url):
    client = request.getfixturevalue(persona)
    assert client.get(url).status_code == 403
    assert client.post(SETTINGS, VALID).status_code == 403
    assert company_get().name == "Ma Société"


@pytest.mark.parametrize("persona", ["manager_client", "admin_client_"])
def test_it_shows_the_settings_to_administrators_and_credit_managers(request, persona):
    response = request.getfixturevalue(persona).get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="30, 60, 90"' in html
    assert reverse("company:segments") in html


def test_it_links_the_settings_from_the_user_menu_only_for_those_who_manage_them(
    manager_client, client, collector
):
    assert f'href="{SETTINGS}"' in manager_client.get(reverse("core:home")).content.decode()
    client.force_login(collector)
    assert f'href="{SETTINGS}"' not in client.get(reverse("core:home")).content.decode()


def test_it_saves_the_settings_and_shows_the_change_in_the_history(manager_client):
    response = manager_client.post(SETTINGS, VALID)
    assert response.status_code == 302
    company = company_get()
    assert (company.siren, company.default_terms_kind, company.default_terms_days) == (
        "552100554",
        TermsKind.END_OF_MONTH,
        45,
    )
    assert company.aging_bucket_bounds == [15, 30, 60, 90]
    assert AuditEntry.objects.filter(object_type="company.company").count() == 1
    html = manager_client.get(SETTINGS).content.decode()
    assert "Dupont Industrie" in html
    assert 'id="history"' in html and "claire" in html


def test_it_sorts_bucket_bounds_typed_out_of_order(manager_client):
    manager_client.post(SETTINGS, {**VALID, "aging_bucket_bounds": "90 30 60"})
    assert company_get().aging_bucket_bounds == [30, 60, 90]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "552 100 555", "not a valid SIREN"),
        ("vat_number", "FR00303265045", "not a valid EU VAT number"),
        ("aging_bucket_bounds", "30, sixty", "“sixty” is not a whole number of days"),
        ("aging_bucket_bounds", "30, 30", "only once"),
        ("default_terms_days", "400", "365"),
        ("email", "compta", "email"),
    ],
)
def test_it_shows_a_bad_value_on_its_field_and_saves_nothing(
    client, credit_manager, field, value, message
):
    credit_manager.language = "en"
    credit_manager.save()
    client.force_login(credit_manager)
    response = client.post(SETTINGS, {**VALID, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert company_get().name == "Ma Société"
    assert not AuditEntry.objects.exists()


def test_it_previews_due_dates_and_bucket_labels_while_typing(manager_client):
    response = manager_client.get(
        PREVIEW,
        {"default_terms_kind": "eom", "default_terms_days": "45", "aging_bucket_bounds": "30,60"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="terms-examples"' in html
    assert "Non échu" in html
    assert "1–30 jours" in html and "31–60 jours" in html and "Plus de 60 jours" in html
    assert html.count('class="current"') == 1


def test_it_says_what_is_wrong_in_the_preview(manager_client):
    response = manager_client.get(
        PREVIEW,
        {"default_terms_kind": "net", "default_terms_days": "abc", "aging_bucket_bounds": "x"},
    )
    html = response.content.decode()
    assert 'id="terms-examples"' not in html
    assert 'id="bucket-preview"' not in html
    assert "« x » n&#x27;est pas un nombre entier de jours." in html


def test_it_speaks_french_from_the_apps_own_catalogue(manager_client):
    html = manager_client.get(SETTINGS).content.decode()
    for text in (
        "Paramètres de la société",
        "Identité et en-tête",
        "Conditions de paiement par défaut",
        "N jours fin de mois",
        "Tranches d&#x27;ancienneté",
        "Colonnes de la balance âgée",
    ):
        assert text in html, text
