import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_lands_on_the_receivables_summary(page, live_server, manager, login, shot):
    login()
    assert page.locator("h1").inner_text() == "Les créances en un coup d'œil"
    assert page.locator("[data-kpi=total-open]").is_visible()
    shot("home")


def test_it_refuses_a_wrong_password(page, live_server, manager):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "claire")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".error").is_visible()
