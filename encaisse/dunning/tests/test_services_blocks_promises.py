import pytest
from django.core.exceptions import ValidationError

from encaisse.audit.models import AuditEntry
from encaisse.dunning.choices import BlockKind, PromiseStatus
from encaisse.dunning.models import PromiseInvoice
from encaisse.dunning.services import block_create, block_release, promise_record

from .factories import day, make_customer, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return make_customer("C1")


def test_it_creates_a_partial_block_on_an_invoice_with_an_audit_row(customer, credit_manager):
    invoice = make_invoice(customer, "F1", "1000.00")
    block = block_create(
        actor=credit_manager,
        customer=customer,
        kind=BlockKind.DISPUTE,
        invoice=invoice,
        blocked_amount="300.00",
        reason="Quantité contestée",
        starts_on=day("2026-03-01"),
    )
    assert (block.blocked_amount, block.created_by) == (300, credit_manager)
    entry = AuditEntry.objects.get(object_type="dunning.block")
    assert entry.actor == credit_manager and entry.changes["blocked_amount"]["to"] == "300.00"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"kind": BlockKind.HOLD}, "ends_on"),
        ({"blocked_amount": "10.00"}, "blocked_amount"),
        ({"ends_on": day("2026-02-01")}, "ends_on"),
        ({"kind": "nope"}, "kind"),
    ],
)
def test_it_names_the_field_of_a_bad_block(customer, kwargs, field):
    values = {"reason": "Raison", "starts_on": day("2026-03-01"), **kwargs}
    with pytest.raises(ValidationError) as error:
        block_create(actor=None, customer=customer, **values)
    assert field in error.value.message_dict


def test_it_refuses_a_block_on_another_customers_invoice(customer):
    other = make_invoice(make_customer("C2"), "F9", "100.00")
    with pytest.raises(ValidationError) as error:
        block_create(actor=None, customer=customer, invoice=other, reason="Raison")
    assert "invoice" in error.value.message_dict


def test_it_releases_a_block_once(customer, collector):
    block = block_create(actor=None, customer=customer, reason="Raison")
    block_release(actor=collector, block=block)
    block.refresh_from_db()
    assert block.released_by == collector and block.released_at is not None
    with pytest.raises(ValidationError):
        block_release(actor=collector, block=block)


def test_it_records_a_promise_with_the_open_amounts_as_baseline(customer, collector):
    f1 = make_invoice(customer, "F1", "1000.00", open_amount="600.00")
    f2 = make_invoice(customer, "F2", "200.00")
    promise = promise_record(
        actor=collector,
        customer=customer,
        invoices=[f1, f2],
        amount="800.00",
        promised_on=day("2026-04-01"),
        grace_days=5,
    )
    assert (promise.status, promise.taken_by, promise.grace_days) == (
        PromiseStatus.OPEN,
        collector,
        5,
    )
    assert sorted(
        PromiseInvoice.objects.values_list("invoice__number", "open_amount_at_promise")
    ) == [
        ("F1", 600),
        ("F2", 200),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"invoices": []}, "invoices"),
        ({"channel": "fax"}, "channel"),
        ({"grace_days": -1}, "grace_days"),
    ],
)
def test_it_names_the_field_of_a_bad_promise(customer, kwargs, field):
    invoice = make_invoice(customer, "F1", "100.00")
    values = {"invoices": [invoice], "amount": "100.00", "promised_on": day("2026-04-01")}
    with pytest.raises(ValidationError) as error:
        promise_record(actor=None, customer=customer, **{**values, **kwargs})
    assert field in error.value.message_dict


def test_it_refuses_a_promise_on_a_settled_or_foreign_invoice(customer):
    settled = make_invoice(customer, "F1", "100.00", open_amount="0.00", status="settled")
    foreign = make_invoice(make_customer("C2"), "F2", "100.00")
    for invoice in (settled, foreign):
        with pytest.raises(ValidationError) as error:
            promise_record(
                actor=None,
                customer=customer,
                invoices=[invoice],
                amount="10.00",
                promised_on=day("2026-04-01"),
            )
        assert "invoices" in error.value.message_dict
