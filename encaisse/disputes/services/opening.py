"""Registering and qualifying a dispute.

``dispute_open`` is called by the API, the CSV import and (next) the pages; it creates the
dispute, its invoice lines and a dunning block per invoice on the disputed amount, in one
transaction. With a reason code it also qualifies the dispute (department, owner, deadline)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.core.dates import today
from encaisse.portal import emails as customer_emails
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from .. import deadlines
from ..choices import ACTIVE_STATUSES, EventType, Origin, Status
from ..models import Dispute, DisputedInvoice, ReasonCode
from ..workflow import check_transition
from .dunning import block_disputed_amounts
from .events import event_record
from .numbering import next_number

CENT = Decimal("0.01")


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({field: _("The disputed amount must be positive.")})
    return amount


def _check_lines(customer, invoices_amounts) -> list[tuple]:
    """Each invoice once, the customer's, open, and disputed for at most what is open and not
    already disputed by another active dispute."""
    if not invoices_amounts:
        raise ValidationError({"invoices": _("A dispute needs at least one invoice.")})
    lines, seen = [], set()
    for index, (invoice, value) in enumerate(invoices_amounts):
        prefix = f"invoices.{index}"
        amount = _amount(value, f"{prefix}.disputed_amount")
        if invoice.pk in seen:
            raise ValidationError({f"{prefix}.invoice": _("This invoice is listed twice.")})
        seen.add(invoice.pk)
        if invoice.customer_id != customer.pk:
            raise ValidationError(
                {f"{prefix}.invoice": _("This invoice belongs to another customer.")}
            )
        if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.OPEN:
            raise ValidationError({f"{prefix}.invoice": _("Only an open invoice can be disputed.")})
        already = DisputedInvoice.objects.filter(
            invoice=invoice, dispute__status__in=ACTIVE_STATUSES
        ).aggregate(total=Sum("disputed_amount"))["total"] or Decimal(0)
        room = invoice.open_amount - already
        if amount > room:
            raise ValidationError(
                {
                    f"{prefix}.disputed_amount": _(
                        "The disputed amount (%(amount)s) exceeds what is open and not already "
                        "disputed on invoice %(number)s (%(room)s)."
                    )
                    % {"amount": amount, "number": invoice.number, "room": max(room, 0)}
                }
            )
        lines.append((invoice, amount))
    return lines


def default_owner(department):
    if department is None:
        return None
    return department.default_owner or department.head


def apply_qualification(dispute: Dispute, *, reason_code: ReasonCode, category, department, owner):
    """Set the routing and the deadline from the reason code (department and owner may be
    overridden)."""
    dispute.reason_code = reason_code
    dispute.category = category or reason_code.category
    dispute.department = department or reason_code.department
    dispute.owner = owner or default_owner(dispute.department)
    dispute.target_date = deadlines.target_date(dispute.raised_on, reason_code.target_days)
    dispute.at_risk_on = deadlines.at_risk_from(dispute.raised_on, reason_code.target_days)


def _routing_data(dispute: Dispute) -> dict:
    return {
        "reason_code": dispute.reason_code.code if dispute.reason_code else None,
        "category": dispute.category.code if dispute.category else None,
        "department": dispute.department.code if dispute.department else None,
        "owner": str(dispute.owner) if dispute.owner else None,
        "target_date": dispute.target_date.isoformat() if dispute.target_date else None,
    }


@transaction.atomic
def dispute_open(
    *,
    actor,
    customer,
    invoices_amounts,
    origin: str,
    words: str = "",
    raised_on: dt.date | None = None,
    reason_code: ReasonCode | None = None,
    category=None,
    department=None,
    owner=None,
    coordinator=None,
    contact=None,
) -> Dispute:
    """Register a dispute of ``customer`` on ``invoices_amounts`` (pairs of an open invoice and
    the amount disputed on it) and stop dunning on those amounts."""
    if origin not in Origin.values:
        raise ValidationError({"origin": _("Unknown origin.")})
    raised_on = raised_on or today()
    if raised_on > today():
        raise ValidationError({"raised_on": _("The date raised cannot be in the future.")})
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    lines = _check_lines(customer, invoices_amounts)
    user = actor if getattr(actor, "is_authenticated", False) else None
    dispute = Dispute(
        number=next_number(today().year),
        customer=customer,
        origin=origin,
        words=(words or "").strip(),
        raised_on=raised_on,
        contact=contact,
        category=category,
        department=department,
        owner=owner,
        coordinator=coordinator or customer.collector or user,
        disputed_total=sum((amount for _invoice, amount in lines), Decimal(0)),
        created_by=user,
    )
    if reason_code is not None:
        check_transition(Status.NEW, Status.QUALIFIED)
        apply_qualification(
            dispute, reason_code=reason_code, category=category, department=department, owner=owner
        )
        dispute.status = Status.QUALIFIED
    dispute.save()
    DisputedInvoice.objects.bulk_create(
        DisputedInvoice(
            dispute=dispute,
            invoice=invoice,
            disputed_amount=amount,
            open_amount_at_opening=invoice.open_amount,
        )
        for invoice, amount in lines
    )
    # The customer contested on ``raised_on``: no reminder dated from then on.
    block_disputed_amounts(actor=actor, dispute=dispute, on=min(raised_on, today()))
    event_record(
        dispute=dispute,
        actor=actor,
        type=EventType.OPENED,
        to_status=Status.NEW,
        comment=dispute.words,
        data={
            "origin": origin,
            "invoices": [
                {"number": invoice.number, "disputed_amount": str(amount)}
                for invoice, amount in lines
            ],
        },
    )
    if reason_code is not None:
        event_record(
            dispute=dispute,
            actor=actor,
            type=EventType.TRANSITION,
            from_status=Status.NEW,
            to_status=Status.QUALIFIED,
            data=_routing_data(dispute),
        )
    audit_record(
        actor=actor,
        action="create",
        instance=dispute,
        changes={
            "customer": {"from": None, "to": str(customer)},
            "disputed_total": {"from": None, "to": str(dispute.disputed_total)},
            "status": {"from": None, "to": dispute.status},
        },
    )
    customer_emails.on_dispute_opened(dispute)
    return dispute


def lock(dispute: Dispute) -> Dispute:
    """The dispute's row, locked for the rest of the transaction (two users moving one
    dispute at once: the second sees the first's status)."""
    return Dispute.objects.select_for_update().get(pk=dispute.pk)


@transaction.atomic
def dispute_qualify(
    *,
    actor,
    dispute: Dispute,
    reason_code: ReasonCode,
    category=None,
    department=None,
    owner=None,
    comment: str = "",
) -> Dispute:
    """Give a new dispute its reason code: routed to a department and an owner, with a target
    date."""
    dispute = lock(dispute)
    check_transition(dispute.status, Status.QUALIFIED)
    if reason_code is None:
        raise ValidationError({"reason_code": _("A reason code is required to qualify.")})
    apply_qualification(
        dispute, reason_code=reason_code, category=category, department=department, owner=owner
    )
    previous, dispute.status = dispute.status, Status.QUALIFIED
    dispute.save()
    event_record(
        dispute=dispute,
        actor=actor,
        type=EventType.TRANSITION,
        from_status=previous,
        to_status=dispute.status,
        comment=comment,
        data=_routing_data(dispute),
    )
    audit_record(
        actor=actor,
        action="qualify",
        instance=dispute,
        changes={"status": {"from": previous, "to": dispute.status}},
    )
    return dispute
