"""Customer and contact services: validation, duplicates, audit rows, one billing contact."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.customers.models import Contact, Customer, Segment
from encaisse.customers.services import (
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_update,
)

from .builders import SIREN, SIRET, VAT, make_contact, make_customer

pytestmark = pytest.mark.django_db


def _entries(customer):
    return list(
        AuditEntry.objects.filter(
            object_type="customers.customer", object_id=str(customer.pk)
        ).order_by("id")
    )


def test_it_creates_a_customer_with_compacted_identifiers_and_an_audit_row(credit_manager):
    customer = customer_create(
        actor=credit_manager,
        data={
            "code": " C001 ",
            "name": "Dupont SA",
            "siren": "552 100 554",
            "siret": "552 100 554 00013",
            "vat_number": "fr 40 303265045",
            "credit_limit": Decimal("5000.00"),
        },
    )
    customer.refresh_from_db()
    assert (customer.code, customer.siren, customer.siret) == ("C001", SIREN, SIRET)
    assert customer.vat_number == VAT
    [entry] = _entries(customer)
    assert entry.action == "create" and entry.actor == credit_manager
    assert entry.changes["code"] == {"from": None, "to": "C001"}
    assert entry.changes["credit_limit"]["to"] == "5000.00"
    assert "notes" not in entry.changes


def test_it_fills_the_siren_from_the_siret(collector):
    customer = customer_create(actor=collector, data={"code": "C1", "name": "X", "siret": SIRET})
    assert customer.siren == SIREN


@pytest.mark.parametrize(
    ("field", "value"),
    [("siren", "552100555"), ("siret", "55210055400014"), ("vat_number", "FR00303265045")],
)
def test_it_refuses_an_identifier_with_a_bad_key(collector, field, value):
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=collector, data={"code": "C1", "name": "X", field: value})
    assert field in caught.value.message_dict
    assert value in " ".join(caught.value.message_dict[field])
    assert not Customer.objects.exists() and not AuditEntry.objects.exists()


def test_it_refuses_a_siret_of_another_siren(collector):
    with pytest.raises(ValidationError) as caught:
        customer_create(
            actor=collector,
            data={"code": "C1", "name": "X", "siren": "732829320", "siret": SIRET},
        )
    assert list(caught.value.message_dict) == ["siret"]


def test_it_names_every_bad_field_at_once(collector):
    with pytest.raises(ValidationError) as caught:
        customer_create(
            actor=collector,
            data={
                "code": "",
                "name": "",
                "email": "not-an-email",
                "terms_kind": "weekly",
                "terms_days": 400,
                "credit_limit": Decimal("-1"),
                "country": "France",
            },
        )
    assert set(caught.value.message_dict) >= {
        "code",
        "name",
        "email",
        "terms_kind",
        "terms_days",
        "credit_limit",
        "country",
    }


def test_it_refuses_a_duplicate_code_on_the_code_field(collector):
    make_customer(code="C1")
    with pytest.raises(ValidationError) as caught:
        customer_create(actor=collector, data={"code": "C1", "name": "Other"})
    assert list(caught.value.message_dict) == ["code"]
    assert caught.value.error_dict["code"][0].code == "unique"
    assert Customer.objects.count() == 1


def test_it_refuses_to_rename_a_code_to_one_in_use(collector):
    make_customer(code="C1")
    other = make_customer(code="C2", name="Martin")
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=collector, customer=other, data={"code": "C1"})
    assert caught.value.error_dict["code"][0].code == "unique"
    assert Customer.objects.get(pk=other.pk).code == "C2"


def test_it_refuses_a_collector_who_may_not_edit_the_ledger(collector, read_only):
    customer = make_customer()
    with pytest.raises(ValidationError) as caught:
        customer_update(actor=collector, customer=customer, data={"collector": read_only})
    assert list(caught.value.message_dict) == ["collector"]


def test_it_records_only_what_changed(collector, credit_manager):
    segment = Segment.objects.create(code="pme", name="PME")
    customer = make_customer(email="old@example.com")
    updated = customer_update(
        actor=credit_manager,
        customer=customer,
        data={
            "email": "new@example.com",
            "name": "Dupont SA",
            "collector": collector,
            "segment": segment,
            "on_hold": True,
        },
    )
    assert updated.email == "new@example.com" and updated.collector == collector
    [entry] = _entries(customer)
    assert entry.action == "update"
    assert entry.changes == {
        "email": {"from": "old@example.com", "to": "new@example.com"},
        "collector": {"from": None, "to": str(collector)},
        "segment": {"from": None, "to": "PME"},
        "on_hold": {"from": False, "to": True},
    }


def test_it_writes_nothing_when_nothing_changed(collector):
    customer = make_customer()
    customer_update(actor=collector, customer=customer, data={"name": "Dupont SA"})
    assert _entries(customer) == []


def test_it_adds_a_contact_and_records_it_on_the_customer(collector):
    customer = make_customer()
    contact = contact_create(
        actor=collector,
        customer=customer,
        data={"name": " Jeanne Martin ", "email": "jeanne@example.com"},
    )
    assert contact.name == "Jeanne Martin" and contact.customer == customer
    [entry] = _entries(customer)
    assert entry.action == "contact_create"
    assert entry.changes["contact"] == {"from": None, "to": "Jeanne Martin"}
    assert entry.changes["contact.email"] == {"from": None, "to": "jeanne@example.com"}


def test_it_refuses_a_contact_without_a_name_or_with_a_bad_email(collector):
    customer = make_customer()
    with pytest.raises(ValidationError) as caught:
        contact_create(actor=collector, customer=customer, data={"name": "", "email": "x@"})
    assert set(caught.value.message_dict) == {"name", "email"}
    assert not Contact.objects.exists()


def test_a_new_billing_contact_takes_the_role_from_the_previous_one(collector):
    customer = make_customer()
    first = make_contact(customer, "Ancien", is_billing_contact=True)
    second = contact_create(
        actor=collector, customer=customer, data={"name": "Nouveau", "is_billing_contact": True}
    )
    first.refresh_from_db()
    assert not first.is_billing_contact and second.is_billing_contact
    assert Contact.objects.filter(customer=customer, is_billing_contact=True).count() == 1
    [entry] = _entries(customer)
    assert entry.changes["billing_contact"] == {"from": "Ancien", "to": "Nouveau"}


def test_making_a_contact_the_billing_one_takes_the_role_too(collector):
    customer = make_customer()
    first = make_contact(customer, "Ancien", is_billing_contact=True)
    second = make_contact(customer, "Nouveau")
    other_customer = make_customer(code="C2", name="Other")
    elsewhere = make_contact(other_customer, "Ailleurs", is_billing_contact=True)
    contact_update(actor=collector, contact=second, data={"is_billing_contact": True})
    first.refresh_from_db()
    elsewhere.refresh_from_db()
    assert not first.is_billing_contact and elsewhere.is_billing_contact
    [entry] = _entries(customer)
    assert entry.action == "contact_update"
    assert entry.changes["contact.is_billing_contact"] == {"from": False, "to": True}
    assert entry.changes["contact"] == {"from": "Nouveau", "to": "Nouveau"}


def test_it_records_a_contact_s_changes_and_its_removal(collector):
    customer = make_customer()
    contact = make_contact(customer, "Jeanne", phone="01 02")
    contact_update(actor=collector, contact=contact, data={"name": "Jeanne M.", "phone": "03"})
    contact_delete(actor=collector, contact=Contact.objects.get(pk=contact.pk))
    assert not Contact.objects.exists()
    update, delete = _entries(customer)
    assert update.changes == {
        "contact": {"from": "Jeanne", "to": "Jeanne M."},
        "contact.name": {"from": "Jeanne", "to": "Jeanne M."},
        "contact.phone": {"from": "01 02", "to": "03"},
    }
    assert delete.action == "contact_delete"
    assert delete.changes["contact"] == {"from": "Jeanne M.", "to": None}
    assert delete.changes["contact.phone"] == {"from": "03", "to": None}
