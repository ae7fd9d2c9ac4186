import pytest

from encaisse.dunning.models import CustomerDunningProfile, Scenario, SegmentScenario
from encaisse.dunning.tests.factories import make_customer

pytestmark = pytest.mark.django_db

LIST = "/dunning/settings/scenarios/"
NEW = "/dunning/settings/scenarios/new/"
SEGMENTS = "/dunning/settings/segments/"


def _edit_url():
    return f"/dunning/settings/scenarios/{Scenario.objects.get(code='standard').pk}/"


def _formset(steps, **scenario):
    data = {
        "code": "court",
        "name": "Court",
        "active": "on",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        **scenario,
    }
    for i, step in enumerate(steps):
        base = {"min_amount": "0", "performer": "collector", "channel": "email", "name": f"S{i}"}
        for key, value in {**base, **step}.items():
            data[f"steps-{i}-{key}"] = value
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("credit_manager", 200),
        ("collector", 200),
        ("read_only", 200),
        ("department_member", 403),
    ],
)
def test_it_shows_the_scenarios_to_those_who_see_the_ledger(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Standard" in page and "J-10" in page and "J+35" in page
        assert ("scenarios/new/" in page) == (persona in ("admin_user", "credit_manager"))


def test_it_sends_anonymous_users_to_the_login_page(client):
    for url in (LIST, NEW, SEGMENTS, _edit_url(), "/dunning/settings/customers/1/scenario/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["collector", "read_only", "department_member"])
def test_it_refuses_editing_to_roles_without_manage_settings(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _formset([{"offset_days": "5"}])).status_code == 403
    assert client.get(_edit_url()).status_code == 403
    assert client.post(SEGMENTS, {}).status_code == 403
    assert not Scenario.objects.filter(code="court").exists()


def test_it_lists_scenarios_in_few_queries(manager_client, django_assert_max_num_queries):
    for n in range(5):
        Scenario.objects.create(code=f"s{n}", name=f"S{n}")
    with django_assert_max_num_queries(8):
        assert manager_client.get(LIST).status_code == 200


def test_it_creates_a_scenario_from_the_form(manager_client):
    response = manager_client.post(
        NEW, _formset([{"offset_days": "15", "channel": "letter"}, {"offset_days": "-3"}])
    )
    assert response.status_code == 302
    court = Scenario.objects.get(code="court")
    assert list(court.steps.values_list("offset_days", flat=True)) == [-3, 15]


def test_it_shows_duplicate_days_on_the_form(manager_client):
    response = manager_client.post(NEW, _formset([{"offset_days": "5"}, {"offset_days": "5"}]))
    assert response.status_code == 200
    assert "J+5" in response.content.decode()
    assert not Scenario.objects.filter(code="court").exists()


def test_it_edits_a_step_of_the_standard_scenario(manager_client):
    page = manager_client.get(_edit_url())
    formset = page.context["formset"]
    data = {
        "code": "standard",
        "name": "Standard",
        "active": "on",
        "is_default": "on",
        "steps-TOTAL_FORMS": str(len(formset.forms)),
        "steps-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if isinstance(value, bool):
                if value:
                    data[f"steps-{i}-{name}"] = "on"
                continue
            data[f"steps-{i}-{name}"] = "" if value is None else str(value)
    data["steps-2-min_amount"] = "250.00"
    response = manager_client.post(_edit_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    step = Scenario.objects.get(code="standard").steps.get(offset_days=5)
    assert str(step.min_amount) == "250.00"


def test_it_answers_404_for_a_missing_scenario(manager_client):
    assert manager_client.get("/dunning/settings/scenarios/99999/").status_code == 404


def test_it_maps_segments_from_the_form(manager_client):
    public = Scenario.objects.get(code="secteur-public")
    form = manager_client.get(SEGMENTS).context["form"]
    data = {name: (field.initial or "") for name, field in form.fields.items()}
    sme = next(name for name, seg in form.segments.items() if seg.code == "sme")
    data[sme] = str(public.pk)
    assert manager_client.post(SEGMENTS, data).status_code == 302
    assert SegmentScenario.objects.get(segment__code="sme").scenario == public


def test_it_shows_the_segment_mapping_read_only(read_only_client):
    page = read_only_client.get(SEGMENTS).content.decode()
    assert "Grands comptes" in page and 'id="segment-mapping"' not in page


@pytest.mark.usefixtures("rates_through_today")
def test_it_overrides_a_customers_scenario(manager_client):
    customer = make_customer()
    url = f"/dunning/settings/customers/{customer.pk}/scenario/"
    assert "Standard" in manager_client.get(url).content.decode()
    key = Scenario.objects.get(code="grands-comptes")
    response = manager_client.post(url, {"scenario": key.pk, "penalty_rate": "4"})
    assert response.status_code == 302
    assert CustomerDunningProfile.objects.get(customer=customer).scenario == key
    page = manager_client.get(url).content.decode()
    assert "Grands comptes" in page and 'role="alert"' in page  # 4 % < 3 x legal rate


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [
        ("collector", 200, 403),
        ("read_only", 200, 403),
        ("department_member", 404, 404),
    ],
)
def test_it_lets_only_settings_managers_override(request, client, persona, get, post):
    customer = make_customer()
    url = f"/dunning/settings/customers/{customer.pk}/scenario/"
    client.force_login(request.getfixturevalue(persona))
    expected_get = 403 if persona == "department_member" else get
    assert client.get(url).status_code == expected_get
    response = client.post(url, {"scenario": ""})
    assert response.status_code == (403 if persona == "department_member" else post)
    assert not CustomerDunningProfile.objects.exists()


def test_it_answers_404_for_a_missing_customer(manager_client):
    assert manager_client.get("/dunning/settings/customers/99999/scenario/").status_code == 404
