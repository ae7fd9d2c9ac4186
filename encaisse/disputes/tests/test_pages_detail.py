"""A dispute's page: what it shows, and its forms driving the workflow through the services
(invalid moves refused with the workflow's message)."""

from decimal import Decimal

import pytest

from encaisse.accounts.models import Department
from encaisse.core.templatetags.encaisse import money
from encaisse.disputes.choices import Status
from encaisse.disputes.models import ReasonCode, RootCause

from .factories import open_dispute

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 bon de livraison"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_it_shows_invoices_timeline_and_only_the_allowed_moves(client, collector):
    dispute = open_dispute(collector, words="Remise de 10 % oubliée")
    client.force_login(collector)
    response = client.get(f"/disputes/{dispute.pk}/")
    html = response.content.decode()
    assert "F1" in html and money(Decimal("2500")) in html and "Remise de 10 % oubliée" in html
    assert [e.type for e in response.context["timeline"]] == ["opened", "transition"]
    forms = response.context["forms"]
    assert set(forms) == {"comment", "evidence", "transition", "propose", "resolve", "handover"}
    assert [c for c, _label in forms["transition"].fields["to_status"].choices] == [
        "in_progress",
        "waiting_customer",
        "solution_proposed",
    ]


def test_it_qualifies_a_new_dispute_with_a_department_override(
    client, collector, department_member
):
    dispute = open_dispute(collector, reason=None)
    client.force_login(collector)
    assert "qualify" in client.get(f"/disputes/{dispute.pk}/").context["forms"]
    billing = Department.objects.get(code="billing")
    response = client.post(
        f"/disputes/{dispute.pk}/qualify/",
        {
            "reason_code": ReasonCode.objects.get(code="B1").pk,
            "department": billing.pk,
            "owner": department_member.pk,
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.QUALIFIED and dispute.department == billing
    assert dispute.owner == department_member and dispute.target_date is not None


def test_it_refuses_an_invalid_move_with_the_workflows_message(client, collector):
    dispute = open_dispute(collector)
    client.force_login(collector)
    response = client.post(f"/disputes/{dispute.pk}/close/", {"comment": "Fini"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "ne peut pas passer" in html or "cannot go from" in html
    dispute.refresh_from_db()
    assert dispute.status == Status.QUALIFIED


def test_it_works_resolves_closes_and_reopens_a_dispute(client, department_member, collector):
    dispute = open_dispute(collector)
    client.force_login(department_member)
    url = f"/disputes/{dispute.pk}/"
    assert client.post(url + "transition/", {"to_status": "in_progress"}).status_code == 302
    refused = client.post(url + "resolve/", {"outcome": "credit_note", "founded": "yes"})
    assert refused.status_code == 422
    resolved = client.post(
        url + "resolve/",
        {
            "outcome": "credit_note",
            "founded": "yes",
            "root_cause": RootCause.objects.get(code="billing-error").pk,
            "credit_note_number": "AV-12",
            "credit_note_amount": "2500.00",
            "comment": "Avoir émis",
        },
    )
    assert resolved.status_code == 302
    assert client.post(url + "close/", {}).status_code == 302
    assert client.post(url + "reopen/", {"comment": ""}).status_code == 422
    assert client.post(url + "reopen/", {"comment": "Avoir refusé"}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == Status.IN_PROGRESS and dispute.outcome == ""
    moves = list(dispute.events.filter(type="transition").values_list("to_status", flat=True))
    assert moves == ["qualified", "in_progress", "resolved", "closed", "in_progress"]
    page = client.get(url)
    assert "Avoir refusé" in page.content.decode()


def test_it_hands_over_and_sends_the_member_back_to_the_worklist(
    client, department_member, collector
):
    dispute = open_dispute(collector)
    client.force_login(department_member)
    logistics = Department.objects.get(code="logistics")
    response = client.post(f"/disputes/{dispute.pk}/hand-over/", {"department": logistics.pk})
    assert response.status_code == 302 and response["Location"] == "/disputes/"
    dispute.refresh_from_db()
    assert dispute.department == logistics


def test_it_uploads_evidence_and_refuses_a_file_of_the_wrong_kind(
    client, department_member, collector
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dispute = open_dispute(collector)
    client.force_login(department_member)
    url = f"/disputes/{dispute.pk}/evidence/"
    good = SimpleUploadedFile("bl.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"files": [good]}).status_code == 302
    evil = SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    refused = client.post(url, {"files": [evil]})
    assert refused.status_code == 422
    assert "x.pdf" in refused.content.decode()
    assert [e.original_name for e in dispute.evidence.all()] == ["bl.pdf"]
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    evidence = dispute.evidence.get()
    assert f"/disputes/{dispute.pk}/evidence/{evidence.pk}/" in page


def test_it_escapes_html_in_comments(client, collector):
    dispute = open_dispute(collector)
    client.force_login(collector)
    client.post(f"/disputes/{dispute.pk}/comment/", {"comment": "<script>alert(1)</script>"})
    html = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_it_gives_the_collections_team_the_customers_link_with_its_lifetime(
    client, collector, settings
):
    settings.PORTAL_LINK_DAYS = 30
    settings.PORTAL_BASE_URL = "https://encaisse.example"
    dispute = open_dispute(collector)
    client.force_login(collector)
    response = client.get(f"/disputes/{dispute.pk}/")
    link = response.context["customer_link"]
    assert link["url"].startswith("https://encaisse.example/p/d/")
    html = response.content.decode()
    assert f'value="{link["url"]}"' in html and "Copier le lien du client" in html
    assert "pendant 30 jours" in html
    # The link opens the customer's page of this dispute, without a login.
    client.logout()
    page = client.get(link["url"].removeprefix("https://encaisse.example"))
    assert page.status_code == 200 and dispute.number in page.content.decode()


def test_it_shows_the_customers_link_to_the_coordinator_only_among_department_members(
    client, collector, department_member, read_only
):
    dispute = open_dispute(collector)  # A1: billing, the member's department
    for user in (read_only, department_member):
        client.force_login(user)
        response = client.get(f"/disputes/{dispute.pk}/")
        assert response.status_code == 200
        assert response.context["customer_link"] is None
        assert "/p/d/" not in response.content.decode()
    dispute.coordinator = department_member
    dispute.save(update_fields=["coordinator"])
    client.force_login(department_member)
    assert client.get(f"/disputes/{dispute.pk}/").context["customer_link"] is not None
