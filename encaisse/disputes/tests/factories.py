"""Builders for dispute tests."""

import datetime as dt

from encaisse.disputes.models import ReasonCode, RootCause
from encaisse.disputes.services import dispute_open
from encaisse.receivables.tests.factories import make_customer, make_invoice

__all__ = ["make_customer", "make_invoice", "open_dispute", "code", "cause"]


def code(value="A1") -> ReasonCode:
    return ReasonCode.objects.select_related("department", "category").get(code=value)


def cause(value="billing-error") -> RootCause:
    return RootCause.objects.get(code=value)


def open_dispute(actor=None, *, customer=None, lines=None, reason="A1", **extra):
    """A dispute on F1 (10,000.00, 2,500.00 disputed) unless ``lines`` says otherwise."""
    customer = customer or make_customer()
    if lines is None:
        lines = [(make_invoice(customer, "F1", "10000.00"), "2500.00")]
    extra.setdefault("raised_on", dt.date(2026, 3, 2))
    return dispute_open(
        actor=actor,
        customer=customer,
        invoices_amounts=lines,
        origin=extra.pop("origin", "call"),
        words=extra.pop("words", "Le prix facturé ne correspond pas au devis."),
        reason_code=code(reason) if reason else None,
        **extra,
    )
