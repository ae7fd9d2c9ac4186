"""The penalties a customer owes, against amounts computed by hand:

F1: 1,000.00 due 20 June 2026, on 10 July 2026: 10 days at 12.15 % (ECB 2.15 + 10) then
10 days at 12.40 % (ECB 2.40 + 10): 3.3288 + 3.3973 = 6.73, plus 40.00.
F2: 300.00 still open of 500.00 due 1 March 2026: 121 days at 12.15 % and 10 at 12.40 %:
12.0834 + 1.0192 = 13.10, plus 40.00."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.models import CustomerDunningProfile, ReferenceRate
from encaisse.dunning.settings_selectors import customer_penalties

from .factories import make_customer, make_invoice

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 7, 10)


@pytest.fixture
def customer():
    customer = make_customer()
    make_invoice(customer, "F1", "1000.00", due=dt.date(2026, 6, 20))
    make_invoice(customer, "F2", "500.00", open_amount="300.00", due=dt.date(2026, 3, 1))
    make_invoice(customer, "F3", "900.00", due=dt.date(2026, 7, 20))  # not due yet
    return customer


def test_it_computes_each_overdue_invoice_and_the_totals(customer):
    result = customer_penalties(customer=customer, as_of=AS_OF)
    lines = [(ln.invoice.number, ln.days_late, ln.interest, ln.indemnity) for ln in result.lines]
    assert lines == [
        ("F2", 131, Decimal("13.10"), Decimal("40.00")),
        ("F1", 20, Decimal("6.73"), Decimal("40.00")),
    ]
    assert result.lines[0].rate is None  # two half-years, two rates
    assert [p.rate for p in result.lines[0].periods] == [Decimal("12.15"), Decimal("12.40")]
    assert (result.interest, result.indemnity, result.total) == (
        Decimal("19.83"),
        Decimal("80.00"),
        Decimal("99.83"),
    )
    assert result.open_amount == Decimal("1300.00")


def test_it_uses_the_contractual_rate_and_warns_below_the_floor(customer):
    CustomerDunningProfile.objects.create(customer=customer, penalty_rate=Decimal("6"))
    result = customer_penalties(customer=customer, as_of=AS_OF)
    # 1000 x 6 % x 20 / 365 = 3.29; 300 x 6 % x 131 / 365 = 6.46
    assert [ln.interest for ln in result.lines] == [Decimal("6.46"), Decimal("3.29")]
    assert result.lines[0].rate == Decimal("6")
    assert result.below_floor  # 3 x 2.75 = 8.25 % in July 2026


def test_it_says_which_half_year_lacks_a_rate(customer):
    ReferenceRate.objects.filter(kind="ecb_mro", starts_on=dt.date(2026, 7, 1)).delete()
    result = customer_penalties(customer=customer, as_of=AS_OF)
    assert result.missing_rate == dt.date(2026, 7, 1) and result.lines == []


@pytest.mark.usefixtures("rates_through_today")
def test_the_customer_page_loads_the_penalties_card(manager_client, customer):
    url = f"/dunning/settings/customers/{customer.pk}/penalties/"
    assert f'hx-get="{url}"' in manager_client.get(f"/customers/{customer.pk}/").content.decode()
    card = manager_client.get(url).content.decode()
    assert 'id="penalties"' in card and "F1" in card and "40,00" in card


@pytest.mark.parametrize(
    ("persona", "status"),
    [("collector", 200), ("read_only", 200), ("department_member", 403)],
)
def test_it_shows_penalties_to_those_who_see_the_ledger(request, client, customer, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/dunning/settings/customers/{customer.pk}/penalties/").status_code == status


def test_it_answers_404_and_login_for_the_penalties_card(client, manager_client):
    assert manager_client.get("/dunning/settings/customers/99999/penalties/").status_code == 404
    manager_client.logout()
    response = client.get("/dunning/settings/customers/1/penalties/")
    assert "/accounts/login/" in response["Location"]
