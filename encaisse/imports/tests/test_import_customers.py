"""Customers named by imports: created, updated with what the file states, segments found."""

import pytest

from encaisse.customers.models import Customer, Segment
from encaisse.imports.choices import BatchStatus, ImportMode
from encaisse.imports.records import CustomerRecord

from .apply_builders import item, ledger, run

pytestmark = pytest.mark.django_db


def _master(*customers):
    return ledger([], customers, content="customers")


def test_it_upserts_customers_from_a_customers_file():
    Customer.objects.create(code="C1", name="Old name", email="keep@example.com", city="Lyon")
    batch = run(
        _master(
            CustomerRecord(code="C1", name="New name", line=2, city=""),
            CustomerRecord(
                code="C2",
                name="Martin SAS",
                line=3,
                siren="732 829 320",
                email="compta@martin.fr",
                postal_code="69001",
                terms_days=45,
            ),
        )
    )
    assert batch.status == BatchStatus.APPLIED and batch.mode == ImportMode.INCREMENTAL
    assert (batch.customers_created, batch.customers_updated) == (1, 1)
    assert batch.invoices_created == 0 and batch.file_totals == {"overall": "0.00", "customers": {}}
    c1 = Customer.objects.get(code="C1")
    assert (c1.name, c1.email, c1.city) == ("New name", "keep@example.com", "Lyon")
    c2 = Customer.objects.get(code="C2")
    assert (c2.siren, c2.email, c2.terms_days) == ("732829320", "compta@martin.fr", 45)


def test_it_counts_nothing_when_the_customers_file_says_what_the_ledger_holds():
    record = CustomerRecord(code="C1", name="Dupont", line=2, email="a@b.fr")
    run(_master(record))
    again = run(_master(record))
    assert (again.customers_created, again.customers_updated) == (0, 0)


def test_it_finds_segments_by_code_or_name_and_creates_unknown_ones():
    Segment.objects.update_or_create(code="sme", defaults={"name": "PME"})
    run(
        _master(
            CustomerRecord(code="C1", name="A", segment="sme"),
            CustomerRecord(code="C2", name="B", segment="pme"),
            CustomerRecord(code="C3", name="C", segment="Grands comptes export"),
            CustomerRecord(code="C4", name="D", segment="grands comptes export"),
        )
    )
    sme = Segment.objects.get(code="sme")
    assert Customer.objects.get(code="C1").segment == sme
    assert Customer.objects.get(code="C2").segment == sme
    created = Segment.objects.get(name="Grands comptes export")
    assert created.code == "grands-comptes-export"
    assert Customer.objects.get(code="C4").segment == created


def test_it_refuses_a_bad_siren_unless_bad_rows_are_skipped():
    bad = CustomerRecord(code="C1", name="A", line=7, siren="123456789")
    failed = run(_master(bad))
    assert failed.status == BatchStatus.FAILED
    assert failed.errors[0]["line"] == 7 and failed.errors[0]["column"] == "siren"
    assert not Customer.objects.exists()
    skipped = run(_master(bad), skip_bad_rows=True)
    assert skipped.status == BatchStatus.APPLIED and skipped.rows_rejected == 1
    assert Customer.objects.get(code="C1").siren == ""


def test_it_keeps_a_name_typed_in_encaisse_when_the_file_gives_none():
    Customer.objects.create(code="411DUP", name="Dupont et fils")
    batch = run(ledger([item("F1", "411DUP")], [CustomerRecord(code="411DUP", name="")]))
    assert batch.customers_updated == 0
    assert Customer.objects.get(code="411DUP").name == "Dupont et fils"


def test_it_updates_what_the_file_states_and_leaves_the_rest_of_a_customer_alone():
    retail, _ = Segment.objects.update_or_create(code="retail", defaults={"name": "Commerce"})
    customer = Customer.objects.create(
        code="C1",
        name="Dupont",
        segment=retail,
        terms_days=30,
        phone="01 02 03 04 05",
        notes="Appeler le lundi",
        on_hold=True,
    )
    before = customer.updated_at
    record = CustomerRecord(code="C1", name="Dupont", line=2, segment="Export", terms_days=60)
    batch = run(_master(record))
    assert (batch.customers_created, batch.customers_updated) == (0, 1)
    customer.refresh_from_db()
    assert (customer.segment.name, customer.terms_days) == ("Export", 60)
    assert (customer.name, customer.phone, customer.notes, customer.on_hold) == (
        "Dupont",
        "01 02 03 04 05",
        "Appeler le lundi",
        True,
    )
    assert customer.updated_at > before
