"""Customers endpoints under /api/v1/: customers with their balances, and their contacts.

Reads need VIEW_LEDGER, writes EDIT_LEDGER (a read-only token never writes). Writes go through
the customers services, so the API and the pages share rules and audit rows. The list pages
with a keyset cursor in the chosen sort order (largest overdue first by default)."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from ninja import Query, Router, Status

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import error_responses, invalid_field
from encaisse.api.pagination import invalid_cursor
from encaisse.api.pagination import page as page_out

from .models import Customer, Segment
from .schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerFiltersIn,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
)
from .selectors import (
    CustomerFilters,
    InvalidCursor,
    access_contact,
    access_customer,
    access_customer_by_code,
    customer_contacts,
    customer_page,
)
from .services import (
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_update,
)

router = Router(tags=["customers"])

MAX_LIMIT = 500
READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)
NOT_NULL = {"on_hold", "is_billing_contact", "language", "code", "name", "country"}


def _user(username: str, field: str):
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise invalid_field(field, "No user with this username.")
    return found


def _segment(code: str, field: str) -> Segment:
    found = Segment.objects.filter(code=code).first()
    if found is None:
        raise invalid_field(field, "No segment with this code.")
    return found


def _customer_data(payload: CustomerPatch, *, creating: bool) -> dict:
    """The payload as service data: usernames and segment codes resolved to rows; null clears
    an optional field."""
    data = payload.dict(exclude_none=True) if creating else payload.dict(exclude_unset=True)
    for name in NOT_NULL:
        if name in data and data[name] is None:
            raise invalid_field(f"body.{name}", "This field cannot be null.")
    if data.get("segment"):
        data["segment"] = _segment(data["segment"], "body.segment")
    elif "segment" in data:
        data["segment"] = None
    for name in ("collector", "salesperson"):
        if data.get(name):
            data[name] = _user(data[name], f"body.{name}")
        elif name in data:
            data[name] = None
    return data


def _customer(customer_id: int) -> Customer:
    return Customer.objects.select_related("segment", "collector", "salesperson").get(
        pk=customer_id
    )


@router.get(
    "/customers",
    response={200: CustomerPage, **READ_ERRORS},
    summary="List customers with their balances",
)
def customer_list(
    request,
    filters: Query[CustomerFiltersIn],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Customers, filtered and sorted (largest overdue balance first by default); pass
    ``next_cursor`` back as ``cursor`` with the same filters for the next page."""
    require(request, VIEW_LEDGER)
    f = filters
    wanted = CustomerFilters(q=f.q or "", overdue=bool(f.overdue), on_hold=f.on_hold, sort=f.sort)
    if f.collector == "me":
        wanted.collector_id = request.user.pk
    elif f.collector == "none":
        wanted.unassigned = True
    elif f.collector:
        wanted.collector_id = _user(f.collector, "query.collector").pk
    if f.segment:
        wanted.segment_id = _segment(f.segment, "query.segment").pk
    try:
        page = customer_page(user=request.user, filters=wanted, cursor=cursor, limit=limit)
    except InvalidCursor:
        raise invalid_cursor("Not a cursor returned by this API for this sort.") from None
    return page_out(page.items, page.next_cursor)


@router.post(
    "/customers",
    response={201: CustomerOut, **WRITE_ERRORS},
    summary="Create a customer",
)
def customer_post(request, payload: CustomerIn):
    """Create a customer. SIREN, SIRET and VAT numbers are checked (keys included); a code
    already used answers 409 ``conflict`` on ``body.code``."""
    require(request, EDIT_LEDGER)
    customer = customer_create(actor=request.user, data=_customer_data(payload, creating=True))
    return Status(201, _customer(customer.pk))


@router.get(
    "/customers/by-code/{path:code}",
    response={200: CustomerOut, **READ_ERRORS},
    summary="Get a customer by code",
)
def customer_by_code(request, code: str):
    require(request, VIEW_LEDGER)
    return access_customer_by_code(request.user, code)


@router.get(
    "/customers/{int:customer_id}",
    response={200: CustomerOut, **READ_ERRORS},
    summary="Get a customer",
)
def customer_get(request, customer_id: int):
    require(request, VIEW_LEDGER)
    return access_customer(request.user, customer_id)


@router.patch(
    "/customers/{int:customer_id}",
    response={200: CustomerOut, **WRITE_ERRORS},
    summary="Update a customer",
)
def customer_patch(request, customer_id: int, payload: CustomerPatch):
    """Change the fields sent; null clears an optional field (segment, collector...)."""
    require(request, EDIT_LEDGER)
    customer = access_customer(request.user, customer_id)
    customer_update(
        actor=request.user, customer=customer, data=_customer_data(payload, creating=False)
    )
    return _customer(customer_id)


# Contacts -------------------------------------------------------------------------------------


def _contact_data(payload: ContactPatch, *, creating: bool) -> dict:
    data = payload.dict(exclude_none=True) if creating else payload.dict(exclude_unset=True)
    for name in NOT_NULL:
        if name in data and data[name] is None:
            raise invalid_field(f"body.{name}", "This field cannot be null.")
    return data


@router.get(
    "/customers/{int:customer_id}/contacts",
    response={200: list[ContactOut], **READ_ERRORS},
    tags=["contacts"],
    summary="List a customer's contacts",
)
def contact_list(request, customer_id: int):
    """The billing contact first, then by name."""
    require(request, VIEW_LEDGER)
    return customer_contacts(access_customer(request.user, customer_id))


@router.post(
    "/customers/{int:customer_id}/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    summary="Add a contact to a customer",
)
def contact_post(request, customer_id: int, payload: ContactIn):
    """A new billing contact takes the role from the customer's previous one."""
    require(request, EDIT_LEDGER)
    customer = access_customer(request.user, customer_id)
    contact = contact_create(
        actor=request.user, customer=customer, data=_contact_data(payload, creating=True)
    )
    return Status(201, contact)


@router.patch(
    "/contacts/{int:contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    summary="Update a contact",
)
def contact_patch(request, contact_id: int, payload: ContactPatch):
    require(request, EDIT_LEDGER)
    contact = access_contact(request.user, contact_id)
    return contact_update(
        actor=request.user, contact=contact, data=_contact_data(payload, creating=False)
    )


@router.delete(
    "/contacts/{int:contact_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["contacts"],
    summary="Remove a contact",
)
def contact_remove(request, contact_id: int):
    """The customer's history keeps what the contact was."""
    require(request, EDIT_LEDGER)
    contact_delete(actor=request.user, contact=access_contact(request.user, contact_id))
    return HttpResponse(status=204)
