import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.dunning.models import ReferenceRate
from encaisse.dunning.services.rates import reference_rate_save

pytestmark = pytest.mark.django_db
RATES = "/dunning/settings/rates/"


def test_it_adds_a_half_years_rate_with_an_audit_row(credit_manager):
    row = reference_rate_save(
        actor=credit_manager, kind="ecb_mro", starts_on=dt.date(2027, 1, 1), rate="2.4"
    )
    assert (row.rate, row.confirmed) == (Decimal("2.4"), True)
    entry = AuditEntry.objects.get(object_type="dunning.referencerate")
    assert entry.action == "create" and entry.changes["rate"]["to"] == "2.4"


def test_it_corrects_a_rate_and_confirms_it(credit_manager):
    row = ReferenceRate.objects.get(kind="ecb_mro", starts_on=dt.date(2026, 7, 1))
    assert not row.confirmed
    reference_rate_save(
        actor=credit_manager,
        reference_rate=row,
        kind="ecb_mro",
        starts_on=row.starts_on,
        rate="2.15",
        source="ECB",
        confirmed=True,
    )
    row.refresh_from_db()
    assert (row.rate, row.confirmed) == (Decimal("2.150"), True)
    assert AuditEntry.objects.get(object_type="dunning.referencerate").action == "update"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_on": dt.date(2027, 3, 1)}, "starts_on"),
        ({"starts_on": dt.date(2026, 1, 1)}, "starts_on"),  # already there
        ({"rate": "abc"}, "rate"),
        ({"rate": "2.12345"}, "rate"),
        ({"kind": "libor"}, "kind"),
    ],
)
def test_it_refuses_bad_rates_naming_the_field(credit_manager, fields, field):
    values = {"kind": "ecb_mro", "starts_on": dt.date(2027, 1, 1), "rate": "2", **fields}
    with pytest.raises(ValidationError) as error:
        reference_rate_save(actor=credit_manager, **values)
    assert field in error.value.message_dict
    assert not AuditEntry.objects.exists()


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
def test_it_shows_the_rate_table_to_those_who_see_the_ledger(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(RATES)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "data-unconfirmed" in page and "12,15" in page  # 2.15 + 10, in French


@pytest.mark.parametrize("persona", ["collector", "read_only", "department_member"])
def test_it_refuses_rate_changes_without_manage_settings(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    row = ReferenceRate.objects.first()
    assert client.get(f"{RATES}new/").status_code == 403
    assert client.post(f"{RATES}{row.pk}/", {"rate": "9"}).status_code == 403


def test_it_sends_anonymous_users_to_the_login_page(client):
    for url in (RATES, f"{RATES}new/", f"{RATES}1/"):
        assert "/accounts/login/" in client.get(url)["Location"]


def test_it_edits_a_rate_from_the_form(manager_client):
    row = ReferenceRate.objects.get(kind="ecb_mro", starts_on=dt.date(2026, 7, 1))
    data = {
        "kind": "ecb_mro",
        "starts_on": "2026-07-01",
        "rate": "2.15",
        "source": "BCE",
        "confirmed": "on",
    }
    assert manager_client.post(f"{RATES}{row.pk}/", data).status_code == 302
    row.refresh_from_db()
    assert row.rate == Decimal("2.15") and row.confirmed


def test_it_shows_a_refused_half_year_on_its_field(manager_client):
    data = {"kind": "ecb_mro", "starts_on": "2027-02-01", "rate": "2"}
    response = manager_client.post(f"{RATES}new/", data)
    assert response.status_code == 200 and response.context["form"].errors["starts_on"]


def test_it_answers_404_for_a_missing_rate(manager_client):
    assert manager_client.get(f"{RATES}99999/").status_code == 404


def test_it_lists_rates_in_few_queries(manager_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert manager_client.get(RATES).status_code == 200
