"""Shared fixtures: one persona per role, a logged-in client for each, and the reference
rates of the half-years up to today."""

import pytest

from encaisse.accounts.choices import Role


def _make_user(django_user_model, username, role, **extra):
    return django_user_model.objects.create_user(
        username=username, password="pw-" + username, role=role, **extra
    )


@pytest.fixture
def admin_user(django_user_model):
    return _make_user(django_user_model, "alice", Role.ADMIN)


@pytest.fixture
def credit_manager(django_user_model):
    return _make_user(django_user_model, "claire", Role.CREDIT_MANAGER)


@pytest.fixture
def collector(django_user_model):
    return _make_user(django_user_model, "colin", Role.COLLECTOR)


@pytest.fixture
def department_member(django_user_model):
    from encaisse.accounts.models import Department

    return _make_user(
        django_user_model,
        "denis",
        Role.DEPARTMENT_MEMBER,
        department=Department.objects.get(code="billing"),
    )


@pytest.fixture
def read_only(django_user_model):
    return _make_user(django_user_model, "romain", Role.READ_ONLY)


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(client, credit_manager):
    return _client_for(client, credit_manager)


@pytest.fixture
def collector_client(client, collector):
    return _client_for(client, collector)


@pytest.fixture
def department_client(client, department_member):
    return _client_for(client, department_member)


@pytest.fixture
def read_only_client(client, read_only):
    return _client_for(client, read_only)


@pytest.fixture
def admin_client_(client, admin_user):
    return _client_for(client, admin_user)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in French, the default language: a request in English (a user's
    preference) or a test that switched languages must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded and generated files (evidence, the demo's included) go to a temporary folder,
    never to the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def rates_through_today(db):
    """Reference rates for every half-year up to today's, the missing ones copied from the last
    known: the migrations' table stops at the last published rate, while a test that computes
    penalties "as of today" must pass on any day it runs."""
    from encaisse.core.dates import today
    from encaisse.dunning.models import ReferenceRate
    from encaisse.dunning.penalties import half_year_start, next_half_year

    current = half_year_start(today())
    for kind in ReferenceRate.objects.values_list("kind", flat=True).distinct():
        last = ReferenceRate.objects.filter(kind=kind).order_by("starts_on").last()
        starts_on = last.starts_on
        while starts_on < current:
            starts_on = next_half_year(starts_on)
            ReferenceRate.objects.create(
                kind=kind, starts_on=starts_on, rate=last.rate, source="tests", confirmed=False
            )
