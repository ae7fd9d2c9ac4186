import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from encaisse.customers.models import Customer
from encaisse.receivables.choices import Source
from encaisse.receivables.models import Invoice

pytestmark = pytest.mark.django_db


def _invoice(customer, number, due, amount):
    return Invoice.objects.create(
        customer=customer,
        number=number,
        issue_date=due - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(amount),
        source=Source.MANUAL,
    )


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_shows_totals_and_most_overdue_customers(manager_client):
    today = timezone.localdate()
    late = Customer.objects.create(code="C1", name="Retard SA")
    fine = Customer.objects.create(code="C2", name="Ponctuel SARL")
    _invoice(late, "F1", today - dt.timedelta(days=45), "1200.00")
    _invoice(fine, "F2", today + dt.timedelta(days=10), "300.50")
    response = manager_client.get(reverse("core:home"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["total_open"] == Decimal("1500.50")
    assert summary["total_overdue"] == Decimal("1200.00")
    assert [row.customer_code for row in summary["most_overdue"]] == ["C1"]
    assert "Retard SA" in response.content.decode()


def test_it_hides_ledger_figures_from_department_members(department_client):
    Customer.objects.create(code="C1", name="Secret SA")
    response = department_client.get(reverse("core:home"))
    assert response.status_code == 200
    assert "summary" not in response.context
    assert "Secret SA" not in response.content.decode()


def test_it_speaks_french_by_default_and_english_when_the_user_chooses(client, credit_manager):
    client.force_login(credit_manager)
    assert "Déconnexion" in client.get(reverse("core:home")).content.decode()
    credit_manager.language = "en"
    credit_manager.save()
    assert "Log out" in client.get(reverse("core:home")).content.decode()
