"""A FEC has no due dates: the importer derives them from payment terms."""

import datetime as dt

import pytest

from encaisse.company.selectors import company_get
from encaisse.core.dates import TermsKind
from encaisse.customers.models import Customer
from encaisse.imports.records import CustomerRecord
from encaisse.receivables.models import Invoice

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 1, 20)


def _no_due(number, code):
    return item(number, code, issued=ISSUED, due=None)


def _due_of(number):
    return Invoice.objects.get(number=number).due_date


def test_it_uses_the_company_default_of_thirty_days():
    run(ledger([_no_due("F1", "C1")], fmt="fec"))
    assert _due_of("F1") == dt.date(2026, 2, 19)


def test_it_uses_a_changed_company_default():
    company = company_get()
    company.default_terms_kind, company.default_terms_days = TermsKind.END_OF_MONTH, 30
    company.save()
    run(ledger([_no_due("F1", "C1")], fmt="fec"))
    assert _due_of("F1") == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("kind", "days", "due"),
    [
        (TermsKind.NET, 60, dt.date(2026, 3, 21)),  # N days
        (TermsKind.END_OF_MONTH, 30, dt.date(2026, 2, 28)),  # N days end of month
        (TermsKind.END_OF_MONTH, 45, dt.date(2026, 3, 31)),  # 45 days end of month
        (TermsKind.END_OF_MONTH_THEN, 45, dt.date(2026, 3, 17)),  # end of month then 45 days
    ],
)
def test_it_uses_the_customer_terms(kind, days, due):
    Customer.objects.create(code="C1", name="Terms SA", terms_kind=kind, terms_days=days)
    Customer.objects.create(code="C2", name="Default SARL")
    run(ledger([_no_due("F1", "C1"), _no_due("F2", "C2")], fmt="fec"))
    assert _due_of("F1") == due
    assert _due_of("F2") == dt.date(2026, 2, 19)


def test_it_uses_the_days_a_customer_record_gives_for_a_new_customer():
    customers = [CustomerRecord(code="C1", name="New SA", terms_days=10)]
    run(ledger([_no_due("F1", "C1")], customers, fmt="fec"))
    assert _due_of("F1") == dt.date(2026, 1, 30)


def test_it_keeps_a_due_date_already_in_the_ledger_when_the_file_gives_none():
    run(ledger([_no_due("F1", "C1")], fmt="fec"))
    Invoice.objects.filter(number="F1").update(due_date=dt.date(2026, 5, 1))
    batch = run(ledger([_no_due("F1", "C1")], fmt="fec"))
    assert batch.invoices_unchanged == 1
    assert _due_of("F1") == dt.date(2026, 5, 1)


def test_it_takes_the_due_date_a_file_gives():
    run(ledger([item("F1", "C1", issued=ISSUED, due=dt.date(2026, 4, 4))]))
    assert _due_of("F1") == dt.date(2026, 4, 4)
