"""A customer's (or an invoice's) dunning history, newest first: actions (automatic or manual,
with their outcome), people's events (approvals, notes, manual actions), promises to pay,
blocks and holds, and payments received. One query per source, whatever the history's length.

``customer_timeline`` is what the customer page shows; ``invoice_timeline`` is the same history
narrowed to one invoice (actions listing it, promises on it, blocks on it or its customer).

An email, letter or formal-notice action carries its delivery (``TimelineEntry.delivery``):
the email's outbox status (queued, sending, sent, failed with the error, and the attempts) or
the letter's (generated, printed, by whom). The correspondence feature owns those rows; they
are read here through the action's reverse relations, without importing that app."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from encaisse.receivables.models import Payment

from .choices import EventKind
from .models import Action, ActionEvent, ActionInvoice, Block, PromiseToPay

DEFAULT_LIMIT = 50


@dataclass
class Delivery:
    """How an email or a letter of an action went out: ``status`` is the outbox status
    (queued, sending, sent, failed) or ``generated`` / ``printed`` for a letter."""

    status: str
    label: str
    at: dt.datetime | None = None
    detail: str = ""
    tone: str = ""  # badge colour: good, warn, bad


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # action, event, promise, block, payment
    obj: object
    who: object = None
    invoices: list = field(default_factory=list)
    amount: Decimal | None = None
    delivery: list = field(default_factory=list)


OUTBOX_TONES = {"sent": "good", "queued": "warn", "sending": "warn", "failed": "bad"}


def _outbox_delivery(message) -> Delivery:
    status = message.status
    detail = ", ".join(message.recipients or [])
    if status == "sent":
        at = message.sent_at
    elif status == "failed":
        at, detail = message.next_attempt_at, message.last_error
    else:
        at = message.next_attempt_at if status == "queued" else message.lease_until
        if message.attempts:
            detail = _("attempt %(n)s failed: %(error)s") % {
                "n": message.attempts,
                "error": message.last_error,
            }
    label = _("Email: %(status)s") % {"status": message.get_status_display().lower()}
    return Delivery(status, label, at, detail, OUTBOX_TONES.get(status, ""))


def _letter_delivery(letter) -> Delivery:
    if letter.printed_at:
        who = letter.printed_by.get_username() if letter.printed_by else ""
        return Delivery("printed", _("Letter printed"), letter.printed_at, who, "good")
    return Delivery("generated", _("Letter generated, to print"), letter.created_at, "", "warn")


def action_delivery(action) -> list[Delivery]:
    """The delivery of an action fetched with ``_delivery_prefetches``."""
    result = [_outbox_delivery(m) for m in action.outbox_messages.all()]
    letter = getattr(action, "_timeline_letter", None)
    if letter is not None:
        result.append(_letter_delivery(letter))
    return result


def _delivery_prefetches() -> list[Prefetch]:
    outbox = Action._meta.get_field("outbox_messages").related_model
    letter = Action._meta.get_field("letter").related_model
    return [
        Prefetch(
            "outbox_messages",
            queryset=outbox.objects.only(
                "id",
                "action_id",
                "status",
                "recipients",
                "attempts",
                "last_error",
                "next_attempt_at",
                "lease_until",
                "sent_at",
            ).order_by("pk"),
        ),
        Prefetch(
            "letter",
            queryset=letter.objects.only(
                "id", "action_id", "created_at", "printed_at", "printed_by"
            ).select_related("printed_by"),
            to_attr="_timeline_letter",
        ),
    ]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _entries(*, customer, invoice, limit: int) -> list[TimelineEntry]:
    lines = Prefetch(
        "lines",
        queryset=ActionInvoice.objects.select_related("invoice").order_by("invoice__number"),
    )
    actions = Action.objects.filter(customer=customer)
    events = ActionEvent.objects.filter(customer=customer).exclude(
        kind__in=[EventKind.OUTCOME, EventKind.MANUAL]  # shown on their action's row
    )
    promises = PromiseToPay.objects.filter(customer=customer)
    blocks = Block.objects.filter(customer=customer)
    if invoice is not None:
        actions = actions.filter(lines__invoice=invoice)
        events = events.filter(action__lines__invoice=invoice)
        promises = promises.filter(lines__invoice=invoice)
        blocks = blocks.filter(Q(invoice=invoice) | Q(invoice__isnull=True))
    entries = []
    for action in (
        actions.select_related("assigned_to", "done_by", "created_by", "step")
        .prefetch_related(lines, *_delivery_prefetches())
        .order_by("-created_at", "-id")[:limit]
    ):
        at = action.done_at or action.created_at
        who = action.done_by or action.created_by or action.assigned_to
        invoices = [line.invoice for line in action.lines.all()]
        entry = TimelineEntry(at, "action", action, who, invoices, action.total)
        entry.delivery = action_delivery(action)
        entries.append(entry)
    for event in events.select_related("actor", "action").order_by("-at", "-id")[:limit]:
        entries.append(TimelineEntry(event.at, "event", event, event.actor))
    for promise in (
        promises.select_related("taken_by")
        .prefetch_related("invoices")
        .order_by("-taken_at", "-id")[:limit]
    ):
        entries.append(
            TimelineEntry(
                promise.taken_at,
                "promise",
                promise,
                promise.taken_by,
                list(promise.invoices.all()),
                promise.amount,
            )
        )
    for block in blocks.select_related("created_by", "invoice").order_by("-created_at", "-id")[
        :limit
    ]:
        entries.append(
            TimelineEntry(
                block.created_at,
                "block",
                block,
                block.created_by,
                [block.invoice] if block.invoice else [],
                block.blocked_amount,
            )
        )
    if invoice is None:
        payments = Payment.objects.filter(customer=customer).order_by("-received_on", "-id")
        for payment in payments[:limit]:
            entries.append(
                TimelineEntry(
                    _midnight(payment.received_on), "payment", payment, None, [], payment.amount
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def customer_timeline(*, customer, limit: int = DEFAULT_LIMIT) -> list[TimelineEntry]:
    """The customer's dunning history, newest first, at most ``limit`` entries."""
    return _entries(customer=customer, invoice=None, limit=limit)


def invoice_timeline(*, invoice, limit: int = DEFAULT_LIMIT) -> list[TimelineEntry]:
    """The dunning history touching ``invoice``, newest first."""
    return _entries(customer=invoice.customer_id, invoice=invoice, limit=limit)
