"""Builders for portal tests: a customer with a billing contact and a dispute on one of its
invoices, and the links the customer gets."""

import datetime as dt
import time
from unittest import mock

from django.urls import reverse

from encaisse.customers.models import Contact
from encaisse.disputes.tests.factories import code, open_dispute
from encaisse.portal import tokens
from encaisse.receivables.tests.factories import make_customer, make_invoice

__all__ = ["code", "customer_with_dispute", "dispute_url", "expired_dispute_url", "make_invoice"]


def customer_with_dispute(
    code_="DUP", *, email="compta@dupont.example", language="fr", words=None, **extra
):
    customer = make_customer(code_, f"Client {code_}", language=language, email="")
    if email:
        Contact.objects.create(
            customer=customer, name="Jeanne Martin", email=email, is_billing_contact=True
        )
    invoice = make_invoice(customer, f"{code_}-F1", "10000.00")
    options = {"words": words} if words is not None else {}
    dispute = open_dispute(
        customer=customer,
        lines=[(invoice, "2500.00")],
        raised_on=extra.pop("raised_on", dt.date(2026, 3, 2)),
        **options,
        **extra,
    )
    return customer, dispute


def dispute_url(dispute, *, name="portal:dispute", args=()):
    token = tokens.dispute_token(dispute_id=dispute.pk, customer_id=dispute.customer_id)
    return reverse(name, args=[token, *args])


def expired_dispute_url(dispute, *, days: int):
    """A genuine link signed ``days`` days ago."""
    past = time.time() - days * 86400
    with mock.patch("time.time", return_value=past):
        token = tokens.dispute_token(dispute_id=dispute.pk, customer_id=dispute.customer_id)
    return reverse("portal:dispute", args=[token])
