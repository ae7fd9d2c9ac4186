"""The warning that a half-year's ECB rate is missing, before letters with penalties wait."""

import datetime as dt

import pytest

from encaisse.core.dates import today
from encaisse.dunning.models import ReferenceRate
from encaisse.dunning.penalties import half_year_start, next_half_year
from encaisse.dunning.selectors import rate_gap

pytestmark = pytest.mark.django_db
WARNING = 'id="rate-gap"'
LINK = 'href="/dunning/settings/rates/new/"'


def _ecb(starts_on: dt.date) -> None:
    ReferenceRate.objects.get_or_create(
        kind="ecb_mro", starts_on=starts_on, defaults={"rate": "2.15"}
    )


def test_it_names_the_next_half_year_a_month_ahead_and_the_current_one_once_started():
    # The migrations' table ends with the half-year of 1 July 2026.
    assert rate_gap(on=dt.date(2026, 11, 30)) is None  # 32 days ahead: not yet
    assert rate_gap(on=dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert rate_gap(on=dt.date(2027, 2, 15)) == dt.date(2027, 1, 1)
    _ecb(dt.date(2027, 1, 1))
    assert rate_gap(on=dt.date(2026, 12, 1)) is None
    assert rate_gap(on=dt.date(2027, 6, 1)) == dt.date(2027, 7, 1)


def test_it_names_the_current_half_year_first():
    ReferenceRate.objects.filter(kind="ecb_mro", starts_on=dt.date(2026, 7, 1)).delete()
    assert rate_gap(on=dt.date(2026, 12, 20)) == dt.date(2026, 7, 1)


def test_only_the_ecb_rate_counts():
    ReferenceRate.objects.create(kind="legal_professional", starts_on=dt.date(2027, 1, 1), rate="3")
    assert rate_gap(on=dt.date(2026, 12, 20)) == dt.date(2027, 1, 1)


def test_the_home_page_warns_those_who_keep_the_rate_table(client, credit_manager, collector):
    ReferenceRate.objects.filter(kind="ecb_mro").delete()  # today's half-year lacks its rate
    client.force_login(credit_manager)
    page = client.get("/").content.decode()
    assert WARNING in page and LINK in page
    assert "pénalités de retard" in page
    client.force_login(collector)
    page = client.get("/").content.decode()
    assert "Encours total" in page and WARNING not in page


@pytest.mark.usefixtures("rates_through_today")
def test_the_home_page_says_nothing_when_the_rates_are_there(manager_client):
    _ecb(next_half_year(half_year_start(today())))
    page = manager_client.get("/").content.decode()
    assert "Encours total" in page
    assert WARNING not in page


def test_the_rates_page_warns_everyone_who_reads_it_and_links_for_those_who_edit(
    client, credit_manager, read_only
):
    ReferenceRate.objects.filter(kind="ecb_mro").delete()
    client.force_login(credit_manager)
    page = client.get("/dunning/settings/rates/").content.decode()
    assert WARNING in page and LINK in page
    client.force_login(read_only)
    page = client.get("/dunning/settings/rates/").content.decode()
    assert WARNING in page and LINK not in page
