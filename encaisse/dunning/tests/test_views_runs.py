import datetime as dt

import pytest

from encaisse.core.dates import today
from encaisse.dunning.models import Action, Run
from encaisse.dunning.services import dunning_run_generate

from .factories import make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db

RUNS = "/dunning/settings/runs/"
PREVIEW = "/dunning/settings/runs/preview/"
RUN_NOW = "/dunning/settings/runs/run/"


@pytest.fixture
def ledger(settings):
    make_scenario()
    now = today()
    c1 = make_customer("C1", "Alpha")
    c2 = make_customer("C2", "Beta")
    make_invoice(c1, "F1", "1000.00", due=now - dt.timedelta(days=6))
    make_invoice(c1, "F2", "250.00", due=now - dt.timedelta(days=7))
    make_invoice(c2, "F3", "800.00", due=now - dt.timedelta(days=16))
    return c1, c2


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
def test_it_shows_runs_to_those_who_see_the_ledger(request, client, persona, status):
    run = dunning_run_generate(as_of=dt.date(2026, 3, 1)).run
    client.force_login(request.getfixturevalue(persona))
    assert client.get(RUNS).status_code == status
    assert client.get(f"{RUNS}{run.pk}/").status_code == status


def test_it_sends_anonymous_users_to_the_login_page(client):
    for url in (RUNS, f"{RUNS}1/"):
        assert "/accounts/login/" in client.get(url)["Location"]
    for url in (PREVIEW, RUN_NOW):
        assert "/accounts/login/" in client.post(url)["Location"]


@pytest.mark.parametrize("persona", ["read_only", "department_member"])
def test_it_refuses_previews_without_edit_ledger(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(PREVIEW, {"as_of": "2026-03-01"}).status_code == 403
    assert not Run.objects.exists()


@pytest.mark.parametrize("persona", ["collector", "read_only", "department_member"])
def test_it_refuses_real_runs_without_manage_settings(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(RUN_NOW).status_code == 403
    assert not Run.objects.exists()


def test_it_answers_404_for_a_missing_run(manager_client):
    assert manager_client.get(f"{RUNS}99999/").status_code == 404


def test_it_shows_buttons_by_capability(collector_client):
    page = collector_client.get(RUNS).content.decode()
    assert 'id="preview"' in page and 'id="run-now"' not in page


def test_it_previews_exactly_what_the_run_then_creates(manager_client, credit_manager, ledger):
    response = manager_client.post(PREVIEW, {"as_of": today().isoformat()})
    assert response.status_code == 200
    preview = response.context["actions"]
    assert not Action.objects.exists()
    assert Run.objects.get().dry_run
    page = response.content.decode()
    assert "F1" in page and "F3" in page

    response = manager_client.post(RUN_NOW)
    run = Run.objects.get(dry_run=False)
    assert response.status_code == 302 and response["Location"] == f"{RUNS}{run.pk}/"
    detail = manager_client.get(response["Location"])
    created = detail.context["actions"]

    def shape(actions):
        return [
            (
                a["customer_code"],
                a["channel"],
                a["step"],
                [(i["number"], str(i["amount_due"])) for i in a["invoices"]],
                str(a["total"]),
            )
            for a in actions
        ]

    assert shape(preview) == shape(created)
    assert len(created) == run.actions_created == 2
    assert run.triggered_by == credit_manager


def test_it_refuses_a_preview_without_a_date(manager_client):
    response = manager_client.post(PREVIEW, {"as_of": "not a date"})
    assert response.status_code == 400
    assert not Run.objects.exists()


def test_it_lists_runs_in_few_queries(manager_client, django_assert_max_num_queries):
    for n in range(5):
        dunning_run_generate(as_of=dt.date(2026, 3, 1 + n))
    with django_assert_max_num_queries(8):
        assert manager_client.get(RUNS).status_code == 200


def test_it_shows_a_runs_actions_in_few_queries(
    manager_client, ledger, django_assert_max_num_queries
):
    run = dunning_run_generate(as_of=today()).run
    with django_assert_max_num_queries(10):
        response = manager_client.get(f"{RUNS}{run.pk}/")
    assert len(response.context["actions"]) == 2
