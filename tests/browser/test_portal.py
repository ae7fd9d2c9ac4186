"""The customer opens the link of their dispute, writes to us, and after a user proposed a
solution (through the service, as the staff pages do) sees the update; they raise a dispute from
a reminder's link and rate how it was handled. Screenshots land in test-results/portal-*.png."""

import datetime as dt

import pytest

from encaisse.company.selectors import company_get
from encaisse.correspondence.tests.factories import make_ledger
from encaisse.disputes.choices import EventType, Outcome, Status
from encaisse.disputes.models import Dispute, Satisfaction
from encaisse.disputes.services import dispute_resolve, dispute_transition
from encaisse.disputes.tests.factories import cause, open_dispute
from encaisse.portal import tokens
from encaisse.portal.followup import satisfaction_follow_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate limits counted apart from other runs (the file cache of var/ is shared)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def letterhead():
    company = company_get()
    company.name, company.legal_form, company.siren = "Atelier Durand", "SAS", "732829320"
    company.address = "1 place Bellecour\n69002 Lyon"
    company.phone, company.email = "04 72 00 00 00", "compta@atelier-durand.example"
    company.save()


@pytest.fixture
def ledger(letterhead):
    return make_ledger()


def _path(kind, **claims):
    return {
        "dispute": lambda: f"/p/d/{tokens.dispute_token(**claims)}/",
        "raise": lambda: f"/p/r/{tokens.raise_token(**claims)}/",
        "satisfaction": lambda: f"/p/s/{tokens.satisfaction_token(**claims)}/",
    }[kind]()


def test_the_customer_follows_the_dispute_and_sees_the_update(
    page, live_server, ledger, collector, shot
):
    customer, invoices = ledger
    dispute = open_dispute(
        collector,
        customer=customer,
        lines=[(invoices[0], "800.00")],
        raised_on=dt.date(2026, 3, 2),
        words="Le prix unitaire ne correspond pas au devis n° 118.",
    )
    url = live_server.url + _path("dispute", dispute_id=dispute.pk, customer_id=customer.pk)
    page.goto(url)
    page.wait_for_selector("[data-testid=status]:has-text('Qualifié')")
    assert "16 mars 2026" in page.inner_text(".expected")
    page.fill("#id_text", "Voici le devis signé <b>n° 118</b>.")
    page.click("form[action$='/message/'] button")
    page.wait_for_selector(".notice:has-text('Merci, votre message a bien été envoyé.')")
    assert "Voici le devis signé <b>n° 118</b>." in page.inner_text("#timeline")
    shot("portal-dispute")

    dispute_transition(
        actor=collector,
        dispute=dispute,
        to_status=Status.SOLUTION_PROPOSED,
        comment="Avoir de 800 € proposé (note interne)",
    )
    page.reload()
    page.wait_for_selector("[data-testid=status]:has-text('Solution proposée')")
    assert "Nous vous avons proposé une solution" in page.inner_text("[data-testid=next-step]")
    assert "Statut : Solution proposée" in page.inner_text("#timeline")
    assert "note interne" not in page.content()
    shot("portal-dispute-solution-proposed")

    dispute_resolve(
        actor=collector,
        dispute=dispute,
        outcome=Outcome.CREDIT_NOTE,
        founded=True,
        root_cause=cause(),
        credit_note_number="AV-2026-0012",
        credit_note_amount="800.00",
    )
    satisfaction = satisfaction_follow_up(dispute_id=dispute.pk)
    page.goto(
        live_server.url
        + _path(
            "satisfaction",
            satisfaction_id=satisfaction.pk,
            dispute_id=dispute.pk,
            customer_id=customer.pk,
        )
    )
    shot("portal-satisfaction")
    page.check("input[name=rating][value='5']")
    page.fill("#id_comment", "Traitement rapide, merci.")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-testid=rating]:has-text('5/5')")
    assert Satisfaction.objects.get(pk=satisfaction.pk).rating == 5
    assert dispute.events.filter(type=EventType.SATISFACTION).exists()
    page.click("text=Voir la réclamation")
    page.wait_for_selector("[data-testid=status]:has-text('Résolu')")
    shot("portal-dispute-resolved")


def test_the_customer_raises_a_dispute_from_a_reminder_link(page, live_server, ledger, shot):
    customer, invoices = ledger
    page.goto(
        live_server.url
        + _path("raise", customer_id=customer.pk, invoice_ids=[i.pk for i in invoices])
    )
    page.wait_for_selector("h1:has-text('Signaler un problème sur une facture')")
    shot("portal-raise")
    page.check(f"#id_pick_{invoices[1].pk}")
    page.fill(f"input[name=amount_{invoices[1].pk}]", "250,00")
    page.select_option("#id_reason", "defective")
    page.fill("#id_words", "Deux cartons abîmés à la livraison.")
    page.click("form.raise button[type=submit]")
    page.wait_for_selector(".notice:has-text('est enregistrée')")
    dispute = Dispute.objects.get()
    assert dispute.reason_code.code == "B2"
    assert dispute.number in page.inner_text("h1")
    shot("portal-raised")


def test_an_expired_link_says_so(page, live_server, ledger, settings, shot):
    customer, invoices = ledger
    settings.PORTAL_LINK_DAYS = -1
    page.goto(live_server.url + _path("raise", customer_id=customer.pk, invoice_ids=[]))
    page.wait_for_selector("h1:has-text('Ce lien a expiré')")
    shot("portal-expired")
