"""A credit manager scores the customers again, finds the planted abusive customer on the
flagged list with its reasons, opens the customer page and sees the score there, then raises the
threshold and the list empties."""

import pytest

from encaisse.disputes.tests.abuse_factories import abusive_customer, honest_customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_credit_manager_reviews_the_customers_flagged_for_false_disputes(
    page, live_server, login, shot, manager
):
    abusive, honest = abusive_customer("C-ABUS", disputes=4), honest_customer("C-HONN")
    login("claire")
    page.goto(f"{live_server.url}/disputes/flagged/")
    assert page.locator("h1").inner_text() == "Clients signalés pour litiges abusifs"
    assert page.locator("#flagged").inner_text().strip() == "Aucun client n'est signalé."
    page.click("text=Recalculer maintenant")
    page.wait_for_url("**/disputes/flagged/")
    assert "2 client(s) notés, 1 signalé(s)" in page.locator(".messages").inner_text()
    row = page.locator(f"tr[data-customer='{abusive.code}']")
    assert row.count() == 1
    assert page.locator(f"tr[data-customer='{honest.code}']").count() == 0
    assert "4 litiges clos sur 4 jugés infondés" in row.inner_text()
    assert "mise en demeure" in row.locator("[data-reason=after_dunning]").inner_text()
    shot("flagged-customers")
    row.locator("a").first.click()
    page.wait_for_url(f"**/customers/{abusive.pk}/")
    card = page.locator("#abuse-score")
    assert "signalé" in card.inner_text()
    assert card.locator("[data-reason=not_received]").count() == 1
    card.scroll_into_view_if_needed()
    shot("customer-abuse-card")
    page.goto(f"{live_server.url}/disputes/flagged/")
    page.fill("#id_flag_threshold", "100")
    page.click("#abuse-settings button[type=submit]")
    page.wait_for_url("**/disputes/flagged/")
    assert page.locator(f"tr[data-customer='{abusive.code}']").count() == 0
    page.click("text=Tous les clients notés")
    assert page.locator(f"tr[data-customer='{honest.code}'] [data-score]").inner_text() == "0"
    shot("scored-customers")
