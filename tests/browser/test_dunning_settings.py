"""A credit manager edits a step of the Standard scenario, previews a run, runs it and sees
the run's actions; then the rate table, a customer's penalties and scenario override."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.dunning.models import Action, ReferenceRate, Run, Scenario, Step
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shipped_settings():
    """The shipped scenarios and rates (a transactional test may start after a flush)."""
    if not Scenario.objects.filter(code="standard").exists():
        importlib.import_module("encaisse.dunning.migrations.0002_default_scenarios").create(
            apps, None
        )
    if not ReferenceRate.objects.exists():
        importlib.import_module("encaisse.dunning.migrations.0003_reference_rates").create(
            apps, None
        )


def _invoice(customer, number, amount, days_late):
    due = today() - dt.timedelta(days=days_late)
    return Invoice.objects.create(
        customer=customer,
        number=number,
        issue_date=due - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(amount),
        source=Source.MANUAL,
    )


def test_a_credit_manager_edits_a_step_previews_and_runs(page, live_server, manager, login, shot):
    _shipped_settings()
    alpha = Customer.objects.create(code="ALPHA", name="Alpha Industrie")
    _invoice(alpha, "FA-001", "1250.00", 6)
    _invoice(alpha, "FA-002", "480.40", 7)
    beta = Customer.objects.create(code="BETA", name="Bêta Logistique")
    _invoice(beta, "FB-001", "3600.00", 16)
    login()

    page.goto(f"{live_server.url}/dunning/settings/scenarios/")
    page.wait_for_selector("#scenario-standard td.offset:has-text('J+35')")
    shot("dunning-scenarios")
    page.click("#scenario-standard a.button")
    row = page.locator("tr.step-row").nth(2)  # J-10, J-3, then J+5
    assert row.locator("input[name$='offset_days']").input_value() == "5"
    row.locator("input[name$='-name']").fill("Première relance écrite")
    row.locator("input[name$='min_amount']").fill("100")
    shot("dunning-scenario-form")
    page.click("#scenario-form button.primary")
    page.wait_for_selector(".message:has-text('Le scénario Standard a été enregistré.')")
    page.wait_for_selector("#scenario-standard td:has-text('Première relance écrite')")
    step = Step.objects.get(scenario__code="standard", offset_days=5)
    assert (step.name, step.min_amount) == ("Première relance écrite", Decimal("100.00"))

    page.click("nav.settings-nav a[href='/dunning/settings/runs/']")
    page.click("#preview")
    page.wait_for_selector("#run-actions h3:has-text('ALPHA')")
    preview = page.locator("#run-actions").inner_text()
    assert "Première relance écrite" in preview and "FA-002" in preview and "FB-001" in preview
    assert "1 730,40" in preview.replace("\u202f", " ").replace("\xa0", " ")
    shot("dunning-run-preview")
    assert not Action.objects.exists()

    page.click("nav.settings-nav a[href='/dunning/settings/runs/']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#run-now")
    page.wait_for_selector(".message:has-text('La relance du jour a créé 2 actions.')")
    detail = page.locator("#run-actions").inner_text()
    assert "Première relance écrite" in detail and "FB-001" in detail
    shot("dunning-run-detail")
    assert Run.objects.filter(dry_run=False).get().actions_created == 2

    page.click("nav.settings-nav a[href='/dunning/settings/runs/']")
    page.wait_for_selector("#runs tbody tr >> nth=1")
    shot("dunning-runs")

    page.click("nav.settings-nav a[href='/dunning/settings/rates/']")
    page.wait_for_selector("#rates [data-unconfirmed]")
    shot("dunning-rates")

    page.goto(f"{live_server.url}/customers/{beta.pk}/")
    page.wait_for_selector("#penalties [data-total='penalties']")
    page.locator("#penalties").scroll_into_view_if_needed()
    shot("customer-penalties")

    page.goto(f"{live_server.url}/dunning/settings/customers/{beta.pk}/scenario/")
    page.select_option("#id_scenario", label="Grands comptes")
    page.fill("#id_penalty_rate", "12")
    page.click("#customer-dunning button.primary")
    page.wait_for_selector("#current-scenario strong:has-text('Grands comptes')")
    shot("dunning-customer-override")
