"""Receivables endpoints under /api/v1/: invoices, credit notes, payments and allocations.

Reads need VIEW_LEDGER, writes EDIT_LEDGER (a read-only token never writes). Writes go through
the receivables services, so the API and the web pages apply the same rules and audit rows.
Lists use keyset pagination on the id (``cursor``), so page 1,000 costs what page 1 costs."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import ApiError, error_responses, invalid_field
from encaisse.customers.models import Customer

from .choices import InvoiceKind, Source
from .filters import InvoiceCriteria, invoices_matching
from .models import Allocation, Invoice, Payment
from .schemas import (
    AllocationIn,
    AllocationOut,
    CreditNoteIn,
    CreditNoteOut,
    InvoiceFilters,
    InvoiceIn,
    InvoiceOut,
    InvoicePage,
    InvoicePatch,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    PaymentPage,
)
from .services import (
    credit_note_allocate,
    invoice_create,
    invoice_update,
    payment_allocate,
    payment_create,
)

router = Router()

MAX_LIMIT = 500
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


def _customer_for(payload) -> Customer:
    if payload.customer_id is not None:
        found = Customer.objects.filter(pk=payload.customer_id).first()
        field = "body.customer_id"
    else:
        found = Customer.objects.filter(code=payload.customer_code).first()
        field = "body.customer_code"
    if found is None:
        raise invalid_field(field, "No customer with this identifier.")
    return found


def _invoice_for(allocation: AllocationIn, prefix: str) -> Invoice:
    if allocation.invoice_id is not None:
        found = Invoice.objects.filter(pk=allocation.invoice_id, kind=InvoiceKind.INVOICE).first()
        field = f"{prefix}.invoice_id"
    else:
        found = Invoice.objects.filter(
            number=allocation.invoice_number, kind=InvoiceKind.INVOICE
        ).first()
        field = f"{prefix}.invoice_number"
    if found is None:
        raise invalid_field(field, "No invoice with this identifier.")
    return found


def _invoice_field_named(error: ValidationError, allocations: list[AllocationIn]):
    """Services name the target ``invoice``; the client sent ``invoice_id`` or
    ``invoice_number``: name that one back."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {}
    for key, messages in error.error_dict.items():
        head, _dot, last = key.rpartition(".")
        if last == "invoice":
            index = int(head.split(".")[1]) if head.startswith("allocations.") else 0
            sent = allocations[index] if index < len(allocations) else None
            last = (
                "invoice_id"
                if sent is not None and sent.invoice_id is not None
                else ("invoice_number")
            )
            key = f"{head}.{last}" if head else last
        renamed[key] = messages
    return ValidationError(renamed)


def _bad_cursor() -> ApiError:
    return invalid_field("query.cursor", "Not a cursor returned by this API.")


def _page(queryset, *, limit: int, cursor: str | None, by_due_date: bool = False):
    """One page in keyset order: by id, or by (due date, id) when ``by_due_date``.

    The cursor is the last row's sort key (``123`` or ``2026-03-31.123``), so the next page
    starts with an index seek, never an OFFSET."""
    if cursor:
        try:
            if by_due_date:
                day, _dot, last_id = cursor.partition(".")
                day, last_id = dt.date.fromisoformat(day), int(last_id)
                # The redundant >= lets the database seek the index to the cursor's day.
                queryset = queryset.filter(
                    Q(due_date__gte=day) & (Q(due_date__gt=day) | Q(id__gt=last_id))
                )
            else:
                queryset = queryset.filter(id__gt=int(cursor))
        except ValueError:
            raise _bad_cursor() from None
    ordering = ("due_date", "id") if by_due_date else ("id",)
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = f"{last.due_date.isoformat()}.{last.id}" if by_due_date else str(last.id)
    return {"items": rows, "next_cursor": next_cursor}


# Invoices -------------------------------------------------------------------------------------


@router.get(
    "/invoices",
    response={200: InvoicePage, **READ_ERRORS},
    tags=["invoices"],
    summary="List invoices and credit notes",
)
def invoice_list(
    request,
    filters: Query[InvoiceFilters],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Invoices and credit notes, filtered; ``next_cursor`` gives the next page.

    Ordered by id, or by due date then id when ``status`` or ``overdue=true`` is given."""
    require(request, VIEW_LEDGER)
    queryset = invoices_matching(InvoiceCriteria(**filters.dict()))
    # With a status fixed, the (status, due date, id) index gives the rows in due-date order;
    # sorting them by id instead would read and sort every open invoice.
    by_due_date = filters.status is not None or filters.overdue is True
    return _page(queryset, limit=limit, cursor=cursor, by_due_date=by_due_date)


@router.get(
    "/invoices/by-number/{path:number}",
    response={200: InvoiceOut, **READ_ERRORS},
    tags=["invoices"],
    summary="Get a document by number",
)
def invoice_by_number(request, number: str, kind: InvoiceKind | None = None):
    """One document by its number; an invoice wins over a credit note of the same number unless
    ``kind`` says otherwise."""
    require(request, VIEW_LEDGER)
    # One lookup per kind: each is a seek on the unique (kind, number) index.
    documents = Invoice.objects.select_related("customer")
    for wanted in [kind] if kind else [InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE]:
        if found := documents.filter(kind=wanted, number=number).first():
            return found
    raise ApiError(404, "not_found", "Not found.")


@router.get(
    "/invoices/{int:invoice_id}",
    response={200: InvoiceOut, **READ_ERRORS},
    tags=["invoices"],
    summary="Get an invoice",
)
def invoice_get(request, invoice_id: int):
    require(request, VIEW_LEDGER)
    return get_object_or_404(Invoice.objects.select_related("customer"), pk=invoice_id)


@router.post(
    "/invoices",
    response={201: InvoiceOut, **WRITE_ERRORS},
    tags=["invoices"],
    summary="Create an invoice or credit note",
)
def invoice_post(request, payload: InvoiceIn):
    """Record an invoice (or, with ``kind: credit_note``, a credit note). A number already used
    answers 409 ``conflict``."""
    require(request, EDIT_LEDGER)
    customer = _customer_for(payload)
    data = payload.dict(exclude={"customer_id", "customer_code"})
    return Status(
        201, invoice_create(actor=request.user, customer=customer, data=data, source=Source.API)
    )


@router.patch(
    "/invoices/{int:invoice_id}",
    response={200: InvoiceOut, **WRITE_ERRORS},
    tags=["invoices"],
    summary="Update an invoice",
)
def invoice_patch(request, invoice_id: int, payload: InvoicePatch):
    """Change dates, reference, label or amounts; the status follows the open amount."""
    require(request, EDIT_LEDGER)
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    invoice_update(actor=request.user, invoice=invoice, data=payload.dict(exclude_unset=True))
    return Invoice.objects.select_related("customer").get(pk=invoice_id)


# Credit notes ---------------------------------------------------------------------------------


def _credit_note(credit_note_id: int):
    return get_object_or_404(
        Invoice.objects.select_related("customer").prefetch_related(
            Prefetch("credit_allocations", queryset=Allocation.objects.select_related("invoice"))
        ),
        pk=credit_note_id,
        kind=InvoiceKind.CREDIT_NOTE,
    )


@router.post(
    "/credit-notes",
    response={201: CreditNoteOut, **WRITE_ERRORS},
    tags=["credit notes"],
    summary="Create a credit note",
)
def credit_note_post(request, payload: CreditNoteIn):
    """Record a credit note (avoir). Its amounts are stored and returned negative."""
    require(request, EDIT_LEDGER)
    customer = _customer_for(payload)
    data = {
        **payload.dict(exclude={"customer_id", "customer_code"}),
        "kind": InvoiceKind.CREDIT_NOTE,
    }
    note = invoice_create(actor=request.user, customer=customer, data=data, source=Source.API)
    return Status(201, _credit_note(note.pk))


@router.post(
    "/credit-notes/{int:credit_note_id}/allocations",
    response={201: AllocationOut, **WRITE_ERRORS},
    tags=["credit notes"],
    summary="Allocate a credit note to an invoice",
)
def credit_note_allocation_post(request, credit_note_id: int, payload: AllocationIn):
    """Use part of a credit note to settle an invoice of the same customer."""
    require(request, EDIT_LEDGER)
    note = get_object_or_404(Invoice, pk=credit_note_id, kind=InvoiceKind.CREDIT_NOTE)
    invoice = _invoice_for(payload, "body")
    try:
        allocation = credit_note_allocate(
            actor=request.user, credit_note=note, invoice=invoice, amount=payload.amount
        )
    except ValidationError as error:
        raise _invoice_field_named(error, [payload]) from None
    return Status(201, allocation)


# Payments -------------------------------------------------------------------------------------


def _payments():
    return Payment.objects.select_related("customer").prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.select_related("invoice"))
    )


@router.get(
    "/payments",
    response={200: PaymentPage, **READ_ERRORS},
    tags=["payments"],
    summary="List payments",
)
def payment_list(
    request,
    filters: Query[PaymentFilters],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Payments with their allocations, oldest id first."""
    require(request, VIEW_LEDGER)
    f = filters
    exact = {
        "customer_id": f.customer_id,
        "customer__code": f.customer_code,
        "received_on__gte": f.received_after,
        "received_on__lte": f.received_before,
    }
    queryset = _payments().filter(**{k: v for k, v in exact.items() if v is not None})
    if f.unallocated is True:
        queryset = queryset.filter(unallocated_amount__gt=0)
    elif f.unallocated is False:
        queryset = queryset.filter(unallocated_amount=0)
    return _page(queryset, limit=limit, cursor=cursor)


@router.get(
    "/payments/{int:payment_id}",
    response={200: PaymentOut, **READ_ERRORS},
    tags=["payments"],
    summary="Get a payment",
)
def payment_get(request, payment_id: int):
    require(request, VIEW_LEDGER)
    return get_object_or_404(_payments(), pk=payment_id)


@router.post(
    "/payments",
    response={201: PaymentOut, **WRITE_ERRORS},
    tags=["payments"],
    summary="Record a payment",
)
def payment_post(request, payload: PaymentIn):
    """Record money received, optionally allocated to invoices at once; the rest stays on
    account. A reference already used for this customer answers 409 ``conflict``."""
    require(request, EDIT_LEDGER)
    customer = _customer_for(payload)
    allocations = [
        (_invoice_for(item, f"body.allocations.{index}"), item.amount)
        for index, item in enumerate(payload.allocations)
    ]
    try:
        payment = payment_create(
            actor=request.user,
            customer=customer,
            reference=payload.reference,
            received_on=payload.received_on,
            amount=payload.amount,
            method=payload.method,
            currency=payload.currency,
            allocations=allocations,
            source=Source.API,
        )
    except ValidationError as error:
        raise _invoice_field_named(error, payload.allocations) from None
    return Status(201, _payments().get(pk=payment.pk))


@router.post(
    "/payments/{int:payment_id}/allocations",
    response={201: AllocationOut, **WRITE_ERRORS},
    tags=["payments"],
    summary="Allocate a payment to an invoice",
)
def payment_allocation_post(request, payment_id: int, payload: AllocationIn):
    """Allocate part of a payment's unallocated amount to an invoice."""
    require(request, EDIT_LEDGER)
    payment = get_object_or_404(Payment, pk=payment_id)
    invoice = _invoice_for(payload, "body")
    try:
        allocation = payment_allocate(
            actor=request.user, payment=payment, invoice=invoice, amount=payload.amount
        )
    except ValidationError as error:
        raise _invoice_field_named(error, [payload]) from None
    return Status(201, allocation)
