"""Writes to the ledger. Callers import from here: ``from encaisse.receivables.services import
invoice_update``. One module per sub-domain: balances, invoices, payments and allocations."""

from .balances import customer_balances_refresh
from .invoices import customer_due_date, invoice_create, invoice_update
from .payments import allocation_create, credit_note_allocate, payment_allocate, payment_create

__all__ = [
    "allocation_create",
    "credit_note_allocate",
    "customer_balances_refresh",
    "customer_due_date",
    "invoice_create",
    "invoice_update",
    "payment_allocate",
    "payment_create",
]
