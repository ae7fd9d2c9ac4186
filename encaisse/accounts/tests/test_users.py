import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from encaisse.accounts.choices import Role, TokenScope
from encaisse.accounts.models import Department, User
from encaisse.accounts.services import token_create, user_create, user_update
from encaisse.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:users")
NEW = reverse("accounts:user_new")


def _new_user_form(**extra):
    return {
        "username": "nina",
        "first_name": "Nina",
        "last_name": "Roux",
        "email": "nina@example.fr",
        "role": Role.COLLECTOR,
        "department": "",
        "language": "en",
        "is_active": "on",
        "new_password": "a-long-enough-password",
        **extra,
    }


def test_it_lists_users_with_role_department_and_language(admin_client_, department_member):
    response = admin_client_.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "denis" in page and "Facturation" in page and escape("Membre d'un service") in page


@pytest.mark.parametrize("persona", ["manager_client", "collector_client", "department_client"])
def test_it_refuses_the_users_pages_to_other_roles(request, persona, read_only):
    client = request.getfixturevalue(persona)
    for url in (LIST, NEW, reverse("accounts:user_edit", args=[read_only.pk])):
        assert client.get(url).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    assert client.get(LIST).status_code == 302


def test_it_creates_a_user_who_can_log_in(admin_client_, admin_user, client):
    response = admin_client_.post(NEW, _new_user_form())
    assert response.status_code == 302, response.context["form"].errors
    nina = User.objects.get(username="nina")
    assert (nina.role, nina.language, nina.is_active) == (Role.COLLECTOR, "en", True)
    assert AuditEntry.objects.get(action="create", object_type="accounts.user").actor == admin_user
    client.logout()
    assert client.login(username="nina", password="a-long-enough-password")


def test_it_refuses_a_short_password_and_a_taken_username(admin_client_):
    short = admin_client_.post(NEW, _new_user_form(new_password="short"))
    assert short.context["form"].errors["new_password"]
    taken = admin_client_.post(NEW, _new_user_form(username="alice"))
    assert taken.context["form"].errors["username"]
    assert not User.objects.filter(username="nina").exists()


def test_it_needs_a_department_for_a_department_member(admin_client_):
    response = admin_client_.post(NEW, _new_user_form(role=Role.DEPARTMENT_MEMBER))
    assert response.context["form"].errors["department"]
    billing = Department.objects.get(code="billing")
    ok = admin_client_.post(NEW, _new_user_form(role=Role.DEPARTMENT_MEMBER, department=billing.pk))
    assert ok.status_code == 302
    assert User.objects.get(username="nina").department == billing


def test_it_edits_role_language_and_active_flag(admin_client_, collector):
    url = reverse("accounts:user_edit", args=[collector.pk])
    form = admin_client_.get(url).context["form"]
    assert "username" not in form.fields
    response = admin_client_.post(
        url,
        {
            "first_name": "Colin",
            "last_name": "",
            "email": "",
            "role": Role.READ_ONLY,
            "department": "",
            "language": "en",
            "new_password": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    collector.refresh_from_db()
    assert (collector.role, collector.language, collector.is_active) == (
        Role.READ_ONLY,
        "en",
        False,
    )
    entry = AuditEntry.objects.get(action="update", object_id=str(collector.pk))
    assert entry.changes["role"] == {"from": Role.COLLECTOR, "to": Role.READ_ONLY}
    assert collector.check_password("pw-colin")


def test_it_sets_a_new_password_on_edit(admin_user, collector):
    user_update(actor=admin_user, user=collector, data={"password": "another-long-password"})
    collector.refresh_from_db()
    assert collector.check_password("another-long-password")


def test_it_revokes_the_tokens_of_a_deactivated_user(admin_user, collector):
    token, _raw = token_create(actor=collector, name="ci", scope=TokenScope.READ)
    user_update(actor=admin_user, user=collector, data={"is_active": False})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_keeps_the_last_active_administrator(admin_user):
    with pytest.raises(ValidationError):
        user_update(actor=admin_user, user=admin_user, data={"role": Role.COLLECTOR})
    with pytest.raises(ValidationError):
        user_update(actor=admin_user, user=admin_user, data={"is_active": False})
    other = user_create(actor=admin_user, username="bob", role=Role.ADMIN, password="pw-long-bob1")
    user_update(actor=admin_user, user=admin_user, data={"role": Role.COLLECTOR})
    assert other.role == Role.ADMIN


def test_it_refuses_an_unknown_role(admin_user):
    with pytest.raises(ValidationError) as caught:
        user_create(actor=admin_user, username="x", role="boss", password="long-enough-pw")
    assert "role" in caught.value.message_dict
