"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Run with ``make test-browser``. Screenshots of each journey land in ``test-results/``."""

import os
import shutil
from pathlib import Path

import pytest

from encaisse.accounts.choices import Role

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-results"

# Django refuses ORM calls from the thread that runs Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def shot(page):
    """Save a screenshot of the page: ``shot("home")`` writes test-results/home.png."""
    SHOTS.mkdir(exist_ok=True)

    def take(name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_user(
        username="claire", password="demo-password", role=Role.CREDIT_MANAGER
    )


@pytest.fixture
def login(page, live_server):
    def do(username="claire", password="demo-password"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return do


@pytest.fixture(scope="session")
def _shipped_rows(django_db_setup, django_db_blocker):
    """The rows that the project's data migrations ship (segments, departments, scenarios,
    reference rates, templates, the dispute codification), serialized once after the test
    database is built. Django's own tables (content types, permissions) are left out: the flush
    recreates them with other keys."""
    from django.apps import apps
    from django.core import serializers

    with django_db_blocker.unblock():
        rows = [
            row
            for config in apps.get_app_configs()
            if config.name.startswith("encaisse.")
            for model in config.get_models()
            for row in model._default_manager.order_by("pk")
        ]
        return serializers.serialize("json", rows)


@pytest.fixture(autouse=True)
def _shipped_data(_shipped_rows, transactional_db):
    """The live server's tests empty the database after each test, taking the shipped rows with
    them: put them back before every test (saved by primary key, so it is idempotent), so that
    no test depends on running first."""
    from django.core import serializers
    from django.db import connection, transaction

    with transaction.atomic(), connection.constraint_checks_disabled():
        for row in serializers.deserialize("json", _shipped_rows):
            row.save()
