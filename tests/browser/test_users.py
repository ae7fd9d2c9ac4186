import pytest

from encaisse.accounts.choices import Role
from encaisse.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_a_collector_who_can_log_in(
    page, live_server, django_user_model, login, shot
):
    django_user_model.objects.create_user(username="alice", password="demo-password", role="admin")
    login("alice", "demo-password")
    page.click(".usermenu a[href='/accounts/users/']")
    page.click("a[href='/accounts/users/new/']")
    page.fill("#id_username", "nina")
    page.fill("#id_first_name", "Nina")
    page.fill("#id_last_name", "Roux")
    page.select_option("#id_role", Role.COLLECTOR)
    page.select_option("#id_language", "en")
    page.fill("#id_new_password", "a-long-enough-password")
    page.click("button.primary")
    page.wait_for_selector("#users a:has-text('nina')")
    shot("users")
    assert User.objects.get(username="nina").role == Role.COLLECTOR
    page.click(".usermenu button[type=submit]")
    login("nina", "a-long-enough-password")
    assert page.locator("html").get_attribute("lang") == "en"
