import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from encaisse.audit.models import AuditEntry
from encaisse.company.services import segment_create, segment_delete, segment_update
from encaisse.customers.models import Customer, Segment

pytestmark = pytest.mark.django_db

LIST = reverse("company:segments")
NEW = reverse("company:segment_new")


def _edit(segment):
    return reverse("company:segment_edit", args=[segment.pk])


def _delete(segment):
    return reverse("company:segment_delete", args=[segment.pk])


# The migrations create four segments (key accounts, SMEs, public sector, retail).
DEFAULT_SEGMENTS = 4


@pytest.fixture
def export(credit_manager):
    return segment_create(actor=credit_manager, code="export", name="Export")


# Services -------------------------------------------------------------------------------------


def test_it_creates_renames_and_deletes_a_segment_with_an_audit_row_each(credit_manager):
    segment = segment_create(actor=credit_manager, code="eti", name="ETI")
    segment_update(actor=credit_manager, segment=segment, data={"name": "ETI et PME"})
    segment_delete(actor=credit_manager, segment=segment)
    assert not Segment.objects.filter(code="eti").exists()
    entries = list(
        AuditEntry.objects.filter(object_type="customers.segment")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert entries == [
        ("create", {"code": {"from": None, "to": "eti"}, "name": {"from": None, "to": "ETI"}}),
        ("update", {"name": {"from": "ETI", "to": "ETI et PME"}}),
        (
            "delete",
            {"code": {"from": "eti", "to": None}, "name": {"from": "ETI et PME", "to": None}},
        ),
    ]


def test_it_refuses_a_code_already_used_naming_the_field(credit_manager, export):
    with pytest.raises(ValidationError) as caught:
        segment_create(actor=credit_manager, code="export", name="Autre")
    assert "code" in caught.value.message_dict


def test_it_refuses_to_delete_a_segment_customers_belong_to(credit_manager, export):
    Customer.objects.create(code="C1", name="Dupont SA", segment=export)
    Customer.objects.create(code="C2", name="Martin SARL", segment=export)
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            segment_delete(actor=credit_manager, segment=export)
        assert caught.value.messages == [
            "The segment Export is used by 2 customers: move them to another segment first."
        ]
    assert Segment.objects.filter(pk=export.pk).exists()
    assert not AuditEntry.objects.filter(action="delete").exists()


# Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["collector_client", "department_client", "read_only_client"])
def test_it_refuses_the_segment_pages_without_manage_settings(request, persona, export):
    client = request.getfixturevalue(persona)
    for url in (LIST, NEW, _edit(export)):
        assert client.get(url).status_code == 403
    assert client.post(NEW, {"code": "x", "name": "X"}).status_code == 403
    assert client.post(_delete(export)).status_code == 403
    assert Segment.objects.count() == DEFAULT_SEGMENTS + 1


def test_it_sends_anonymous_visitors_to_the_login_page(client, export):
    for url in (LIST, NEW, _edit(export)):
        assert reverse("accounts:login") in client.get(url)["Location"]


def test_it_answers_404_for_a_missing_segment(manager_client):
    assert manager_client.get(reverse("company:segment_edit", args=[999])).status_code == 404
    assert manager_client.post(reverse("company:segment_delete", args=[999])).status_code == 404


def test_it_lists_the_segments_with_their_customer_count_in_a_few_queries(
    manager_client, credit_manager, django_assert_max_num_queries
):
    for i in range(20):
        segment = segment_create(actor=credit_manager, code=f"s{i}", name=f"Segment {i:02}")
        Customer.objects.create(code=f"C{i}", name=f"Client {i}", segment=segment)
    with django_assert_max_num_queries(6):
        response = manager_client.get(LIST)
    assert response.status_code == 200
    segments = response.context["segments"]
    assert len(segments) == DEFAULT_SEGMENTS + 20
    assert {s.name: s.customer_count for s in segments}["Segment 07"] == 1


def test_it_creates_and_edits_a_segment_from_the_pages(manager_client):
    assert manager_client.post(NEW, {"code": "health", "name": "Santé"}).status_code == 302
    segment = Segment.objects.get(code="health")
    response = manager_client.post(_edit(segment), {"code": "health", "name": "Hôpitaux"})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.name == "Hôpitaux"
    html = manager_client.get(_edit(segment)).content.decode()
    assert 'id="history"' in html and "Santé" in html


def test_it_shows_a_code_already_used_on_the_form(manager_client, export):
    response = manager_client.post(NEW, {"code": "export", "name": "Autre"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_it_deletes_an_unused_segment_from_its_page(manager_client, export):
    response = manager_client.post(_delete(export))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Segment.objects.filter(code="export").exists()


def test_it_explains_why_a_segment_in_use_is_not_deleted(client, credit_manager, export):
    credit_manager.language = "en"
    credit_manager.save()
    client.force_login(credit_manager)
    Customer.objects.create(code="C1", name="Dupont SA", segment=export)
    response = client.post(_delete(export), follow=True)
    assert Segment.objects.filter(pk=export.pk).exists()
    assert "is used by 1 customer: move it to another segment first" in (response.content.decode())


def test_it_refuses_to_delete_with_a_get(manager_client, export):
    assert manager_client.get(_delete(export)).status_code == 405


@pytest.mark.parametrize("persona", ["manager_client", "admin_client_"])
def test_it_opens_the_segment_pages_to_administrators_and_credit_managers(request, persona, export):
    client = request.getfixturevalue(persona)
    for url in (LIST, NEW, _edit(export)):
        assert client.get(url).status_code == 200
