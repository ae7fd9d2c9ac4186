"""Reads of the customer portal. Everything is fetched through the claims of a verified token
(``tokens.read``) and scoped by the token's customer: a dispute of another customer, an invoice
that was not in the link, evidence a user added, internal comments are never reachable.

Which events the customer sees on the timeline (``PUBLIC_EVENTS``): the registration (with the
customer's own words), every status change (the new status only, never the user's comment,
which is internal), the resolution's outcome and credit note, the customer's own messages and
documents, the satisfaction follow-up and the customer's rating. Internal comments,
assignments, escalations and evidence added by users stay internal."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from encaisse.core.money import format_amount
from encaisse.disputes.choices import ACTIVE_STATUSES, EventType, Outcome, Status
from encaisse.disputes.models import Dispute, DisputedInvoice, Evidence, Satisfaction
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from .tokens import Claims

PUBLIC_EVENTS = [
    EventType.OPENED,
    EventType.TRANSITION,
    EventType.EVIDENCE,
    EventType.CUSTOMER_MESSAGE,
    EventType.FOLLOW_UP,
    EventType.SATISFACTION,
]


@dataclass
class Entry:
    at: object
    title: str
    text: str = ""
    mine: bool = False


def portal_dispute(claims: Claims) -> Dispute:
    """The token's dispute, only if it is the token's customer's (404 otherwise)."""
    dispute = (
        Dispute.objects.select_related("customer", "contact")
        .filter(pk=claims.dispute_id, customer_id=claims.customer_id)
        .first()
    )
    if dispute is None:
        raise Http404
    return dispute


def portal_lines(dispute: Dispute):
    return dispute.lines.select_related("invoice").order_by("invoice__number")


def portal_evidence(dispute: Dispute):
    """The documents the customer sent: the only evidence the portal shows and serves."""
    return Evidence.objects.filter(dispute=dispute, from_customer=True)


def portal_evidence_get(dispute: Dispute, evidence_id: int) -> Evidence:
    evidence = portal_evidence(dispute).filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return evidence


def _resolution_text(data: dict) -> str:
    outcome = data.get("outcome")
    text = str(Outcome(outcome).label) if outcome in Outcome.values else ""
    if data.get("credit_note_number"):
        text += " · " + _("credit note %(number)s, %(amount)s €") % {
            "number": data["credit_note_number"],
            "amount": format_amount(
                Decimal(data.get("credit_note_amount") or 0), language=get_language()
            ),
        }
    return text


def public_timeline(dispute: Dispute) -> list[Entry]:
    """The customer's view of the timeline, oldest first."""
    mine = set(portal_evidence(dispute).values_list("pk", flat=True))
    withdrawn = set(
        dispute.satisfactions.filter(withdrawn_at__isnull=False).values_list("pk", flat=True)
    )
    entries = []
    for event in dispute.events.filter(type__in=PUBLIC_EVENTS).order_by("at", "id"):
        if event.type == EventType.OPENED:
            entries.append(Entry(event.at, _("We registered your dispute"), event.comment))
        elif event.type == EventType.TRANSITION and event.to_status in Status.values:
            if event.data.get("reopened"):
                title = _("Dispute reopened")
            else:
                title = _("Status: %(status)s") % {"status": Status(event.to_status).label}
            text = _resolution_text(event.data) if event.to_status == Status.RESOLVED else ""
            entries.append(Entry(event.at, title, text))
        elif event.type == EventType.EVIDENCE and event.data.get("evidence_id") in mine:
            entries.append(
                Entry(event.at, _("Document sent"), event.data.get("name", ""), mine=True)
            )
        elif event.type == EventType.CUSTOMER_MESSAGE:
            entries.append(Entry(event.at, _("Your message"), event.comment, mine=True))
        elif event.type == EventType.FOLLOW_UP:
            if event.data.get("satisfaction_id") in withdrawn:
                continue  # never sent: the dispute was reopened first
            entries.append(Entry(event.at, _("We asked for your opinion")))
        elif event.type == EventType.SATISFACTION:
            entries.append(
                Entry(
                    event.at,
                    _("Your rating: %(rating)s/5") % {"rating": event.data.get("rating")},
                    event.comment,
                    mine=True,
                )
            )
    return entries


@dataclass
class RaisableInvoice:
    invoice: Invoice
    room: Decimal  # open and not already disputed


def raisable_invoices(claims: Claims) -> list[RaisableInvoice]:
    """The link's invoices still open, each with what can still be disputed on it."""
    invoices = list(
        Invoice.objects.filter(
            customer_id=claims.customer_id,
            pk__in=claims.invoice_ids,
            kind=InvoiceKind.INVOICE,
            status=InvoiceStatus.OPEN,
        ).order_by("due_date", "number")
    )
    disputed = dict(
        DisputedInvoice.objects.filter(invoice__in=invoices, dispute__status__in=ACTIVE_STATUSES)
        .values("invoice")
        .annotate(total=Sum("disputed_amount"))
        .values_list("invoice", "total")
    )
    rows = [
        RaisableInvoice(invoice, invoice.open_amount - disputed.get(invoice.pk, Decimal(0)))
        for invoice in invoices
    ]
    return [row for row in rows if row.room > 0]


def portal_satisfaction(claims: Claims) -> Satisfaction:
    satisfaction = (
        Satisfaction.objects.select_related("dispute")
        .filter(
            pk=claims.satisfaction_id,
            dispute_id=claims.dispute_id,
            dispute__customer_id=claims.customer_id,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    if satisfaction is None:
        raise Http404
    return satisfaction
