"""The statistics page, its exports (read back with openpyxl) and the preventive action pages:
what each persona reaches (credit manager, collector, department member of the same or another
department, read-only, outsider), and that the filters change the figures."""

import datetime as dt
import io

import openpyxl
import pytest

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.disputes.models_preventive import PreventiveAction
from encaisse.disputes.services.preventive import preventive_action_create

from . import stats_fixture
from .factories import cause

pytestmark = pytest.mark.django_db

READERS = ["credit_manager", "collector", "department_member", "read_only"]
WORKERS = ["credit_manager", "collector", "department_member"]


@pytest.fixture
def other_member(django_user_model):
    return django_user_model.objects.create_user(
        "olga", role=Role.DEPARTMENT_MEMBER, department=Department.objects.get(code="logistics")
    )


def _as(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    return client


def _billing_action(actor):
    return preventive_action_create(
        actor=actor,
        root_cause=cause("billing-error"),
        description="Contrôle des remises",
        due_on=dt.date(2026, 3, 31),
        department=Department.objects.get(code="billing"),
    )


@pytest.mark.parametrize("persona", READERS)
def test_readers_open_the_statistics_and_export_them(client, request, persona, collector):
    stats_fixture.build(collector)
    client = _as(client, request, persona)
    assert client.get("/disputes/statistics/").status_code == 200
    for table in ("category", "customer", "pareto", "trend"):
        response = client.get(f"/disputes/statistics/export/{table}/csv/")
        assert response.status_code == 200, table


def test_outsiders_are_sent_to_the_login_page(client, collector):
    action = _billing_action(collector)
    for url in (
        "/disputes/statistics/",
        "/disputes/statistics/export/category/xlsx/",
        "/disputes/preventive/",
        "/disputes/preventive/new/",
        f"/disputes/preventive/{action.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(f"/disputes/preventive/{action.pk}/status/", {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "open"


def test_the_filters_change_the_figures(client, credit_manager, collector):
    stats_fixture.build(collector)
    client.force_login(credit_manager)
    everything = client.get("/disputes/statistics/?group_by=reason_code")
    assert everything.context["stats"].total.count == 7
    assert [r.count for r in everything.context["rows"]] == [5, 2]
    logistics = client.get("/disputes/statistics/?group_by=reason_code&department=logistics")
    assert logistics.context["stats"].total.count == 2
    assert b'data-kpi="count">2<' in logistics.content
    period = client.get("/disputes/statistics/?raised_from=2026-03-10&raised_to=2026-03-31")
    assert period.context["stats"].total.count == 2


def test_a_department_member_sees_their_department_figures(client, department_member, collector):
    stats_fixture.build(collector)
    client.force_login(department_member)
    response = client.get("/disputes/statistics/?group_by=department")
    assert [r.label for r in response.context["rows"]] == ["Facturation"]
    assert response.context["stats"].total.count == 5


def test_it_draws_the_pareto_as_inline_svg(client, credit_manager, collector):
    stats_fixture.build(collector)
    client.force_login(credit_manager)
    content = client.get("/disputes/statistics/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in content
    assert 'role="img"' in content and "<title" in content
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert svg.count("<rect ") == 4  # four root causes
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_excel_export_opens_with_amounts_as_numbers(client, credit_manager, collector):
    stats_fixture.build(collector)
    client.force_login(credit_manager)
    response = client.get("/disputes/statistics/export/reason_code/xlsx/?segment=sme")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("group", "disputes", "amount", "resolved")
    assert rows[1][:6] == ("A1 Erreur de prix ou de remise", 5, 2000, 4, 7, 17)
    assert rows[1][6:8] == (0.75, 0.5)
    assert rows[-1][0] == "Total" and len(rows) == 3
    pareto = client.get("/disputes/statistics/export/pareto/xlsx/?pareto=count")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(pareto.streaming_content))).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)][:2] == [
        "Erreur de facturation",
        "Erreur de préparation",
    ]


def test_an_unknown_table_or_format_is_not_found(client, credit_manager):
    client.force_login(credit_manager)
    assert client.get("/disputes/statistics/export/nope/csv/").status_code == 404
    assert client.get("/disputes/statistics/export/category/pdf/").status_code == 404


# Preventive action pages ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_readers_list_and_open_their_actions(client, request, persona, collector):
    action = _billing_action(collector)
    client = _as(client, request, persona)
    response = client.get("/disputes/preventive/")
    assert response.status_code == 200 and [a.pk for a in response.context["actions"]] == [
        action.pk
    ]
    assert client.get(f"/disputes/preventive/{action.pk}/").status_code == 200


def test_another_department_does_not_reach_the_action(client, other_member, collector):
    action = _billing_action(collector)
    client.force_login(other_member)
    assert client.get("/disputes/preventive/").context["actions"] == []
    assert client.get(f"/disputes/preventive/{action.pk}/").status_code == 404
    response = client.post(
        f"/disputes/preventive/{action.pk}/status/", {"status": "done", "done_on": "2026-03-01"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", WORKERS)
def test_workers_record_an_action_from_a_resolved_dispute(client, request, persona, collector):
    made = stats_fixture.build(collector)
    dispute = made["A1"][0]  # billing, resolved, root cause billing-error
    client = _as(client, request, persona)
    form = client.get(f"/disputes/preventive/new/?dispute={dispute.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["root_cause"] == cause("billing-error")
    response = client.post(
        "/disputes/preventive/new/",
        {
            "dispute": dispute.pk,
            "root_cause": cause("billing-error").pk,
            "kind": "corrective",
            "description": "Revoir la grille de remises",
            "due_on": "2026-04-30",
            "department": Department.objects.get(code="billing").pk,
        },
    )
    action = PreventiveAction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{action.pk}/")
    assert action.dispute == dispute and action.department.code == "billing"


def test_the_form_is_prefilled_from_a_root_cause_of_the_statistics(client, credit_manager):
    client.force_login(credit_manager)
    picking = cause("picking-error")
    response = client.get(f"/disputes/preventive/new/?root_cause={picking.pk}")
    assert response.context["form"].initial["root_cause"] == picking


def test_read_only_users_cannot_record_or_change_actions(client, read_only, collector):
    action = _billing_action(collector)
    client.force_login(read_only)
    assert client.get("/disputes/preventive/new/").status_code == 403
    assert client.post(f"/disputes/preventive/{action.pk}/", {"kind": "x"}).status_code == 403
    response = client.post(f"/disputes/preventive/{action.pk}/status/", {"status": "done"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_a_department_member_cannot_start_from_another_department_dispute(
    client, other_member, collector
):
    dispute = stats_fixture.build(collector)["A1"][0]
    client.force_login(other_member)
    assert client.get(f"/disputes/preventive/new/?dispute={dispute.pk}").status_code == 404


def test_it_marks_an_action_done_and_late_ones_stand_out(client, department_member, collector):
    late = _billing_action(collector)
    client.force_login(department_member)
    listing = client.get("/disputes/preventive/").content.decode()
    assert 'class="late"' in listing
    response = client.post(
        f"/disputes/preventive/{late.pk}/status/",
        {"status": "done", "done_on": "2026-03-20", "comment": "Fait"},
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.status, late.done_on) == ("done", dt.date(2026, 3, 20))
    assert 'class="late"' not in client.get("/disputes/preventive/").content.decode()


def test_the_action_list_reads_in_a_fixed_number_of_queries(
    client, credit_manager, collector, django_assert_max_num_queries
):
    made = stats_fixture.build(collector)
    for dispute in made["A1"][:3]:
        preventive_action_create(
            actor=collector,
            root_cause=cause("billing-error"),
            description="Action",
            due_on=dt.date(2026, 3, 31),
            dispute=dispute,
            owner=collector,
        )
    client.force_login(credit_manager)
    with django_assert_max_num_queries(8):
        response = client.get("/disputes/preventive/")
    assert len(response.context["actions"]) == 3


def test_the_statistics_page_reads_in_a_fixed_number_of_queries(
    client, credit_manager, collector, django_assert_max_num_queries
):
    stats_fixture.build(collector)
    client.force_login(credit_manager)
    with django_assert_max_num_queries(16):
        client.get("/disputes/statistics/?group_by=customer")
