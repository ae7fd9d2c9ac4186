"""Who reaches each disputes page and action: credit manager, collector, a department member
of the dispute's department, a member of another department, read-only, an anonymous outsider.
Department members never reach the ledger nor another department's disputes unless they own
them; read-only users read but do not write; missing and not-yours answer 404 alike."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.disputes.choices import Status
from encaisse.disputes.services import evidence_add

from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def other_member(django_user_model):
    return django_user_model.objects.create_user(
        username="lola",
        password="pw-lola",
        role=Role.DEPARTMENT_MEMBER,
        department=Department.objects.get(code="logistics"),
    )


@pytest.fixture
def dispute(collector, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return open_dispute(collector, reason="A1")  # billing


@pytest.fixture
def evidence(dispute, collector):
    return evidence_add(actor=collector, dispute=dispute, name="bon.pdf", content=PDF)


def _persona(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


READERS = ["credit_manager", "collector", "department_member", "read_only"]
WORKERS = ["credit_manager", "collector", "department_member"]


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("credit_manager", 200),
        ("collector", 200),
        ("department_member", 200),
        ("other_member", 404),
        ("read_only", 200),
        ("anonymous", 302),
    ],
)
def test_it_shows_a_dispute_to_those_who_may_see_it(
    request, client, dispute, evidence, persona, expected
):
    client = _client(client, _persona(request, persona))
    page = client.get(f"/disputes/{dispute.pk}/")
    assert page.status_code == expected
    download = client.get(f"/disputes/{dispute.pk}/evidence/{evidence.pk}/")
    assert download.status_code == expected
    if expected == 200:
        assert dispute.number in page.content.decode()
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"].startswith("attachment")
    if expected == 302:
        assert "/accounts/login/" in page["Location"]


def test_it_answers_404_for_evidence_of_another_dispute(client, collector, dispute, evidence):
    customer = make_customer("C2", "Autre")
    other = open_dispute(collector, customer=customer, lines=[(make_invoice(customer, "F2"), "1")])
    client.force_login(collector)
    assert client.get(f"/disputes/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/disputes/{dispute.pk}/evidence/999999/").status_code == 404
    assert client.get("/disputes/999999/").status_code == 404


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("credit_manager", 302),
        ("collector", 302),
        ("department_member", 302),
        ("other_member", 404),
        ("read_only", 403),
        ("anonymous", 302),
    ],
)
def test_it_lets_only_workers_of_the_dispute_act_on_it(request, client, dispute, persona, expected):
    user = _persona(request, persona)
    client = _client(client, user)
    response = client.post(f"/disputes/{dispute.pk}/comment/", {"comment": "Vu"})
    assert response.status_code == expected
    commented = dispute.events.filter(type="comment").exists()
    assert commented == (expected == 302 and user is not None)
    if user is None:
        assert "/accounts/login/" in response["Location"]


ACTIONS = [
    ("qualify", {"reason_code": "1"}),
    ("transition", {"to_status": "in_progress"}),
    ("propose", {"comment": "Avoir"}),
    ("resolve", {"outcome": "withdrawn", "founded": "no"}),
    ("credit-note", {"outcome": "credit_note", "founded": "yes"}),
    ("close", {}),
    ("reopen", {"comment": "x"}),
    ("hand-over", {"department": "1"}),
    ("evidence", {}),
]


@pytest.mark.parametrize("action,data", ACTIONS)
def test_it_refuses_every_action_to_read_only_users_and_other_departments(
    client, dispute, read_only, other_member, action, data
):
    client.force_login(read_only)
    assert client.post(f"/disputes/{dispute.pk}/{action}/", data).status_code == 403
    client.force_login(other_member)
    assert client.post(f"/disputes/{dispute.pk}/{action}/", data).status_code == 404
    assert client.get(f"/disputes/{dispute.pk}/{action}/").status_code == 405
    dispute.refresh_from_db()
    assert dispute.status == Status.QUALIFIED
    assert list(dispute.events.values_list("type", flat=True)) == ["opened", "transition"]


def test_it_lets_a_member_act_on_another_departments_dispute_they_own(
    client, collector, other_member, dispute
):
    dispute.owner = other_member
    dispute.save()
    client.force_login(other_member)
    assert client.get(f"/disputes/{dispute.pk}/").status_code == 200
    assert (
        client.post(f"/disputes/{dispute.pk}/comment/", {"comment": "Je regarde"}).status_code
        == 302
    )


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("credit_manager", 200),
        ("collector", 200),
        ("department_member", 403),
        ("other_member", 403),
        ("read_only", 403),
        ("anonymous", 302),
    ],
)
def test_it_lets_only_ledger_users_who_work_disputes_register_one(
    request, client, persona, expected
):
    customer = make_customer()
    invoice = make_invoice(customer, "F1", "100.00")
    client = _client(client, _persona(request, persona))
    url = f"/disputes/new/?customer={customer.pk}&invoices={invoice.pk}"
    assert client.get(url).status_code == expected
    assert client.get("/disputes/new/?q=Client").status_code == expected
    posted = client.post(
        url,
        {
            "invoice": invoice.pk,
            f"amount_{invoice.pk}": "10",
            "origin": "call",
            "raised_on": "2026-03-02",
        },
    )
    assert posted.status_code == (302 if expected == 200 else expected)


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("credit_manager", 200),
        ("collector", 200),
        ("department_member", 200),
        ("other_member", 200),
        ("read_only", 200),
        ("anonymous", 302),
    ],
)
def test_it_opens_the_worklist_and_notifications_to_every_role(request, client, persona, expected):
    client = _client(client, _persona(request, persona))
    assert client.get("/disputes/").status_code == expected
    assert client.get("/disputes/notifications/").status_code == expected
    assert client.get("/disputes/notifications/count/").status_code == expected
    read = client.post("/disputes/notifications/read/")
    assert read.status_code == 302


def test_it_keeps_the_ledger_hidden_from_department_members(client, department_member, dispute):
    client.force_login(department_member)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "/customers/" not in page and "/invoices/" not in page
    assert client.get(f"/customers/{dispute.customer_id}/").status_code == 403
    line = dispute.lines.get()
    assert client.get(f"/invoices/{line.invoice_id}/").status_code == 403


def test_it_stores_evidence_outside_the_static_files(dispute, evidence):
    assert default_storage.exists(f"disputes/evidence/{evidence.stored_name}")
    assert evidence.stored_name != "bon.pdf"
    assert ContentFile  # the storage is the default one, under MEDIA_ROOT
