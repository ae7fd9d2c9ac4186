"""Dunning endpoints under /api/v1/dunning/: actions (list, get, create a manual one, record a
call outcome), promises to pay (list, create), blocks and holds (create, release).

Reads need VIEW_LEDGER, writes EDIT_LEDGER (a read-only token never writes). Writes go through
the dunning services, so the API and the pages apply the same rules. Lists page with a keyset
cursor on the id (newest first)."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import ApiError, error_responses
from encaisse.api.pagination import id_page
from encaisse.customers.models import Customer
from encaisse.receivables.models import Invoice

from .choices import BlockKind
from .models import Action, Block, PromiseToPay
from .services import (
    action_manual_create,
    block_create,
    block_release,
    call_outcome_record,
    promise_record,
)

router = Router(tags=["dunning"])
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 422)
MAX_LIMIT = 500


class ActionLineOut(Schema):
    invoice_id: int
    invoice_number: str
    amount_due: Decimal


class ActionOut(Schema):
    id: int
    customer_id: int
    source: str
    channel: str
    template_code: str
    status: str
    priority: int
    outcome: str
    assigned_to_id: int | None
    due_on: dt.date
    total: Decimal
    notes: str
    done_at: dt.datetime | None
    lines: list[ActionLineOut]

    @staticmethod
    def resolve_lines(obj):
        return [
            {
                "invoice_id": line.invoice_id,
                "invoice_number": line.invoice.number,
                "amount_due": line.amount_due,
            }
            for line in obj.lines.all()
        ]


class ActionPage(Schema):
    items: list[ActionOut]
    next_cursor: str | None


class ActionFilters(Schema):
    customer_id: int | None = None
    status: str | None = None
    channel: str | None = None
    assigned_to_id: int | None = None
    due_before: dt.date | None = None


class ActionIn(Schema):
    customer_id: int
    channel: str
    invoice_ids: list[int] = []
    due_on: dt.date | None = None
    done: bool = True
    notes: str = ""


class OutcomeIn(Schema):
    outcome: str
    notes: str = ""
    promised_on: dt.date | None = None
    promised_amount: Decimal | None = None
    call_back_on: dt.date | None = None


class OutcomeOut(Schema):
    action: ActionOut
    promise_id: int | None = None
    follow_up_id: int | None = None


class PromiseOut(Schema):
    id: int
    customer_id: int
    amount: Decimal
    promised_on: dt.date
    grace_days: int
    channel: str
    status: str
    taken_by_id: int | None
    invoice_ids: list[int]

    @staticmethod
    def resolve_invoice_ids(obj):
        return [line.invoice_id for line in obj.lines.all()]


class PromisePage(Schema):
    items: list[PromiseOut]
    next_cursor: str | None


class PromiseIn(Schema):
    customer_id: int
    invoice_ids: list[int]
    amount: Decimal
    promised_on: dt.date
    channel: str = "call"
    grace_days: int = 3
    notes: str = ""


class BlockIn(Schema):
    customer_id: int
    invoice_id: int | None = None
    kind: str = BlockKind.HOLD
    reason: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class BlockOut(Schema):
    id: int
    kind: str
    customer_id: int
    invoice_id: int | None
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    released_at: dt.datetime | None


def _customer(customer_id: int) -> Customer:
    found = Customer.objects.filter(pk=customer_id).first()
    if found is None:
        raise ApiError(
            422,
            "validation_error",
            "The request is not valid.",
            [{"field": "body.customer_id", "message": "No customer with this identifier."}],
        )
    return found


def _actions():
    return Action.objects.prefetch_related("lines__invoice")


@router.get("/actions", response={200: ActionPage, **READ_ERRORS}, summary="List dunning actions")
def action_list(
    request,
    filters: Query[ActionFilters],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Actions, newest first, filtered by customer, status, channel, collector or due date."""
    require(request, VIEW_LEDGER)
    actions = _actions()
    if filters.customer_id is not None:
        actions = actions.filter(customer_id=filters.customer_id)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.channel:
        actions = actions.filter(channel=filters.channel)
    if filters.assigned_to_id is not None:
        actions = actions.filter(assigned_to_id=filters.assigned_to_id)
    if filters.due_before:
        actions = actions.filter(due_on__lte=filters.due_before)
    return id_page(actions, cursor=cursor, limit=limit, descending=True)


@router.get(
    "/actions/{int:action_id}",
    response={200: ActionOut, **READ_ERRORS},
    summary="Get a dunning action",
)
def action_get(request, action_id: int):
    require(request, VIEW_LEDGER)
    return get_object_or_404(_actions(), pk=action_id)


@router.post(
    "/actions", response={201: ActionOut, **WRITE_ERRORS}, summary="Record a manual action"
)
def action_post(request, payload: ActionIn):
    """A manual action: done already (``done``: a call made, an email sent by hand) or planned."""
    require(request, EDIT_LEDGER)
    action = action_manual_create(
        actor=request.user,
        customer=_customer(payload.customer_id),
        channel=payload.channel,
        invoices=payload.invoice_ids,
        due_on=payload.due_on,
        done=payload.done,
        notes=payload.notes,
    )
    return Status(201, _actions().get(pk=action.pk))


@router.post(
    "/actions/{int:action_id}/outcome",
    response={200: OutcomeOut, **WRITE_ERRORS},
    summary="Record a call outcome",
)
def action_outcome(request, action_id: int, payload: OutcomeIn):
    """Close a call with its outcome; what follows (promise, new call, task) is in the README."""
    require(request, EDIT_LEDGER)
    action = get_object_or_404(Action, pk=action_id)
    event = call_outcome_record(actor=request.user, action=action, **payload.dict())
    return {"action": _actions().get(pk=action.pk), **event.data}


@router.get("/promises", response={200: PromisePage, **READ_ERRORS}, summary="List promises to pay")
def promise_list(
    request,
    customer_id: int | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    require(request, VIEW_LEDGER)
    promises = PromiseToPay.objects.prefetch_related("lines")
    if customer_id is not None:
        promises = promises.filter(customer_id=customer_id)
    if status:
        promises = promises.filter(status=status)
    return id_page(promises, cursor=cursor, limit=limit, descending=True)


@router.post(
    "/promises", response={201: PromiseOut, **WRITE_ERRORS}, summary="Record a promise to pay"
)
def promise_post(request, payload: PromiseIn):
    require(request, EDIT_LEDGER)
    promise = promise_record(
        actor=request.user,
        customer=_customer(payload.customer_id),
        invoices=payload.invoice_ids,
        amount=payload.amount,
        promised_on=payload.promised_on,
        channel=payload.channel,
        grace_days=payload.grace_days,
        notes=payload.notes,
    )
    return Status(201, PromiseToPay.objects.prefetch_related("lines").get(pk=promise.pk))


@router.post("/blocks", response={201: BlockOut, **WRITE_ERRORS}, summary="Create a block or hold")
def block_post(request, payload: BlockIn):
    """Stop dunning on a customer or one invoice; ``kind`` hold (needs ``ends_on``) or block."""
    require(request, EDIT_LEDGER)
    customer = _customer(payload.customer_id)
    invoice = None
    if payload.invoice_id is not None:
        invoice = Invoice.objects.filter(pk=payload.invoice_id).first()
        if invoice is None:
            raise ApiError(
                422,
                "validation_error",
                "The request is not valid.",
                [{"field": "body.invoice_id", "message": "No invoice with this identifier."}],
            )
    if payload.kind == BlockKind.DISPUTE:
        raise ApiError(
            422,
            "validation_error",
            "The request is not valid.",
            [{"field": "body.kind", "message": "Dispute blocks come from disputes."}],
        )
    block = block_create(
        actor=request.user,
        customer=customer,
        kind=payload.kind,
        reason=payload.reason,
        invoice=invoice,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, block)


@router.post(
    "/blocks/{int:block_id}/release",
    response={200: BlockOut, **WRITE_ERRORS},
    summary="Release a block or hold",
)
def block_release_post(request, block_id: int):
    require(request, EDIT_LEDGER)
    return block_release(actor=request.user, block=get_object_or_404(Block, pk=block_id))
