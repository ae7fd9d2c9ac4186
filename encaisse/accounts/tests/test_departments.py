import pytest
from django.urls import reverse

from encaisse.accounts.models import Department
from encaisse.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:departments")
NEW = reverse("accounts:department_new")


def test_it_lists_the_departments(manager_client):
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert "Facturation" in response.content.decode()


@pytest.mark.parametrize("persona", ["collector_client", "department_client", "read_only_client"])
def test_it_refuses_the_departments_pages_without_manage_settings(request, persona):
    client = request.getfixturevalue(persona)
    billing = Department.objects.get(code="billing")
    for url in (LIST, NEW, reverse("accounts:department_edit", args=[billing.pk])):
        assert client.get(url).status_code == 403


def test_it_creates_and_edits_a_department(manager_client, credit_manager):
    response = manager_client.post(NEW, {"code": "legal", "name": "Juridique", "head": ""})
    assert response.status_code == 302
    legal = Department.objects.get(code="legal")
    response = manager_client.post(
        reverse("accounts:department_edit", args=[legal.pk]),
        {"code": "legal", "name": "Service juridique", "head": credit_manager.pk},
    )
    assert response.status_code == 302
    legal.refresh_from_db()
    assert (legal.name, legal.head) == ("Service juridique", credit_manager)
    assert AuditEntry.objects.filter(object_type="accounts.department").count() == 2


def test_it_refuses_a_code_already_used(manager_client):
    response = manager_client.post(NEW, {"code": "billing", "name": "Autre", "head": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
