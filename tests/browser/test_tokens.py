import pytest

from encaisse.customers.models import Customer
from encaisse.receivables.tests.factories import make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_made_in_the_ui_opens_the_api_until_it_is_revoked(
    page, live_server, manager, login, shot
):
    make_invoice(Customer.objects.create(code="C1", name="Dupont SA"), "FA-001", "1200.00")
    login()
    page.click(".usermenu a[href='/accounts/profile/']")  # tokens are reached from the profile
    page.click("main a[href='/accounts/tokens/']")
    page.fill("#id_name", "Navigateur")
    page.select_option("#id_scope", "read")
    page.click("button.primary")
    raw = page.locator("code.token-raw").inner_text().strip()
    assert raw.startswith("enc_")
    shot("tokens-created")

    api = f"{live_server.url}/api/v1/invoices"
    headers = {"Authorization": f"Bearer {raw}"}
    response = page.request.get(api, headers=headers)
    assert response.status == 200
    assert [item["number"] for item in response.json()["items"]] == ["FA-001"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#tokens button.revoke")
    page.wait_for_selector("#tokens .badge.bad")
    assert page.locator("code.token-raw").count() == 0
    shot("tokens-revoked")

    refused = page.request.get(api, headers=headers)
    assert refused.status == 401
    assert refused.json()["error"]["code"] == "unauthorized"


def test_the_api_docs_render_from_local_files_only(page, live_server, shot):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Encaisse API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/invoices").count() >= 1
    assert outside == []
    shot("api-docs")
