"""Writes to the ledger's balances. Set-based: one UPDATE for all customers, no loop."""

import datetime as dt

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from encaisse.core.dates import today
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer

from ..choices import InvoiceStatus
from ..models import Invoice, Payment

MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum_subquery(queryset, field: str):
    return Coalesce(
        Subquery(
            queryset.filter(customer=OuterRef("pk"))
            .order_by()
            .values("customer")
            .annotate(total=Sum(field))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def customer_balances_refresh(*, as_of: dt.date | None = None, customer_ids=None) -> int:
    """Recompute the stored open and overdue balances of customers (all, or ``customer_ids``).

    Called after every import and payment, and each morning by the worker (overdue moves with
    the date). Lists sort and filter on these columns; detail pages compute live figures."""
    as_of = as_of or today()
    open_items = Invoice.objects.filter(status=InvoiceStatus.OPEN)
    cash = Payment.objects.filter(unallocated_amount__gt=0)
    customers = Customer.objects.all()
    if customer_ids is not None:
        customers = customers.filter(pk__in=list(customer_ids))
    return customers.update(
        open_balance=_sum_subquery(open_items, "open_amount")
        - _sum_subquery(cash, "unallocated_amount"),
        overdue_balance=_sum_subquery(open_items.filter(due_date__lt=as_of), "open_amount")
        - _sum_subquery(cash.filter(received_on__lt=as_of), "unallocated_amount"),
        balances_as_of=as_of,
    )
