"""``encaisse demo``: a consistent, deterministic demo company with one user per role."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from stdnum.eu import vat
from stdnum.fr import siren, siret

from encaisse.accounts.choices import Role
from encaisse.accounts.models import User
from encaisse.company.selectors import company_get
from encaisse.customers.models import Contact, Customer
from encaisse.demo.generator import demo_load, ledger_digest
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Allocation, Invoice, Payment

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 20)


def _run(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_creates_customers_with_valid_identifiers_and_contacts():
    _run("--customers", "20", "--seed", "7", "--as-of", "2026-11-20")
    customers = list(Customer.objects.all())
    assert len(customers) == 20
    assert {c.segment.code for c in customers} <= {"key-accounts", "sme", "public", "retail"}
    for customer in customers:
        assert siren.is_valid(customer.siren), customer.siren
        assert siret.is_valid(customer.siret) and customer.siret.startswith(customer.siren)
        assert vat.is_valid(customer.vat_number), customer.vat_number
        assert customer.email.endswith(".example.com")
        customer.full_clean()
        assert customer.contacts.filter(is_billing_contact=True).count() == 1
    assert Contact.objects.count() >= 20
    company = company_get()
    assert siren.is_valid(company.siren) and company.default_terms_days == 30


def test_it_keeps_amounts_consistent_with_allocations():
    demo_load(customers=20, seed=11, as_of=AS_OF)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    assert invoices.count() > 20 * 10
    assert not invoices.filter(open_amount__gt=F("amount")).exists()
    assert not invoices.filter(open_amount__lt=0).exists()
    assert not invoices.filter(issue_date__gt=AS_OF).exists()
    settled = Invoice.objects.filter(status=InvoiceStatus.SETTLED)
    assert settled.exists()
    assert not settled.exclude(open_amount=0).exists()
    assert not settled.filter(settled_on__isnull=True).exists()
    assert Invoice.objects.filter(status=InvoiceStatus.OPEN, due_date__lt=AS_OF).exists()
    for invoice in Invoice.objects.filter(kind=InvoiceKind.INVOICE).annotate(
        applied=Sum("allocations__amount")
    ):
        assert invoice.amount - (invoice.applied or 0) == invoice.open_amount, invoice.number
    for payment in Payment.objects.annotate(applied=Sum("allocations__amount")):
        assert payment.amount - (payment.applied or 0) == payment.unallocated_amount
        assert payment.received_on <= AS_OF
    assert not Allocation.objects.filter(allocated_on__gt=AS_OF).exists()


def test_it_writes_credit_notes_partial_payments_and_cash_on_account():
    demo_load(customers=60, seed=3, as_of=AS_OF)
    notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE)
    assert notes.exists()
    assert not notes.filter(amount__gte=0).exists()
    partly_paid = Invoice.objects.filter(
        status=InvoiceStatus.OPEN, open_amount__lt=F("amount"), kind=InvoiceKind.INVOICE
    )
    assert partly_paid.exists()
    assert Payment.objects.filter(unallocated_amount__gt=0).exists()
    customer = Customer.objects.exclude(open_balance=0).first()
    open_sum = customer.invoices.filter(status=InvoiceStatus.OPEN).aggregate(s=Sum("open_amount"))
    cash = customer.payments.aggregate(s=Sum("unallocated_amount"))
    expected = (open_sum["s"] or Decimal(0)) - (cash["s"] or Decimal(0))
    assert customer.open_balance == expected
    assert customer.balances_as_of == AS_OF


def test_it_creates_one_user_per_role_with_the_printed_password():
    output = _run("--customers", "5", "--as-of", "2026-11-20")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    for username in ["admin", "manager", "collector", "collector2", "billing", "readonly"]:
        assert username in output
        assert authenticate(username=username, password="demo") is not None
    assert User.objects.get(username="billing").department.code == "billing"
    assert User.objects.get(username="logistics").department.code == "logistics"
    assert User.objects.get(username="sales").department.code == "sales"
    assert "http://127.0.0.1:8000" in output
    assert Customer.objects.filter(collector__username__startswith="collector").exists()


def test_it_gives_the_same_data_for_the_same_seed():
    demo_load(customers=25, seed=42, as_of=AS_OF)
    first = ledger_digest()
    demo_load(customers=25, seed=42, as_of=AS_OF, reset=True)
    assert ledger_digest() == first
    demo_load(customers=25, seed=43, as_of=AS_OF, reset=True)
    assert ledger_digest() != first


def test_it_refuses_a_database_that_has_customers_unless_reset():
    Customer.objects.create(code="KEEP", name="Client existant")
    with pytest.raises(CommandError, match="--reset"):
        _run("--customers", "5")
    assert Customer.objects.filter(code="KEEP").exists()
    _run("--customers", "5", "--reset", "--as-of", "2026-11-20")
    assert not Customer.objects.filter(code="KEEP").exists()
    assert Customer.objects.count() == 5


def test_it_rejects_a_bad_as_of_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--as-of", "20/11/2026")


def test_it_keeps_an_existing_ledger_and_prints_the_logins_with_if_empty():
    _run("--customers", "5", "--as-of", "2026-11-20")
    digest = ledger_digest()
    output = _run("--customers", "9", "--if-empty")
    assert Customer.objects.count() == 5 and ledger_digest() == digest
    assert "collector2" in output and "http://127.0.0.1:8000" in output
