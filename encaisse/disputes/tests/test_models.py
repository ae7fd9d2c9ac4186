"""The shipped codification and the database constraints of disputes."""

import datetime as dt

import pytest
from django.db import IntegrityError

from encaisse.disputes.models import Category, Dispute, ReasonCode, RootCause
from encaisse.receivables.tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_it_ships_the_classic_codification_routed_to_departments():
    assert set(Category.objects.values_list("code", flat=True)) == {
        "administrative",
        "commercial",
        "production",
        "logistics",
        "quality",
        "billing",
        "technical",
    }
    routes = dict(ReasonCode.objects.values_list("code", "department__code"))
    assert routes["A1"] == "billing"
    assert routes["B2"] == "logistics"
    assert routes["C1"] == "sales"
    assert routes["D1"] == "technical"
    assert routes["E1"] == "quality"
    assert routes["F3"] == "administration"
    assert {code[0] for code in routes} == set("ABCDEF")
    assert RootCause.objects.count() >= 10


def test_it_refuses_a_settled_dispute_without_outcome():
    with pytest.raises(IntegrityError):
        Dispute.objects.create(
            number="LIT-2026-00001",
            customer=make_customer(),
            origin="call",
            raised_on=dt.date(2026, 3, 2),
            status="resolved",
        )
