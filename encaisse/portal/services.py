"""Writes made by customers through the portal. The customer is not a user: ``actor`` is
None on the events and the audit rows, and the event data says it came from the portal.

Called by the portal views only, after the token was verified and the dispute or invoices
fetched through ``selectors`` (so always the token's customer's)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.disputes.choices import EventType, Origin
from encaisse.disputes.models import Dispute, Satisfaction
from encaisse.disputes.services import dispute_open
from encaisse.disputes.services.events import event_record
from encaisse.disputes.services.evidence import evidence_add, evidence_check

from .reasons import reason_code_for

MAX_MESSAGE = 5000
PORTAL = {"via": "portal"}


def _text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("Write your message.")})
    if len(text) > MAX_MESSAGE:
        raise ValidationError(
            {field: _("Keep it under %(count)s characters.") % {"count": MAX_MESSAGE}}
        )
    return text


@transaction.atomic
def portal_message_add(*, dispute: Dispute, text: str):
    """The customer's message, on the timeline as written (escaped when shown)."""
    text = _text(text, "text", required=True)
    if dispute.closed_at is not None:
        raise ValidationError({"text": _("This dispute is closed; contact us directly.")})
    return event_record(
        dispute=dispute, actor=None, type=EventType.CUSTOMER_MESSAGE, comment=text, data=PORTAL
    )


def portal_evidence_add(*, dispute: Dispute, name: str, content: bytes):
    """A document from the customer: the disputes checks (size, sniffed type, random storage
    name), kept as sent by the customer."""
    if dispute.closed_at is not None:
        raise ValidationError({"file": _("This dispute is closed; contact us directly.")})
    return evidence_add(actor=None, dispute=dispute, name=name, content=content, from_customer=True)


def portal_dispute_raise(
    *,
    customer,
    invoices_amounts,
    reason: str,
    words: str,
    files: list[tuple[str, bytes]] = (),
    raised_on: dt.date | None = None,
) -> Dispute:
    """Register the dispute the customer raised from a reminder's link (origin "customer
    link"): the reason picked maps to a reason code (then routed and timed like any other),
    "other" leaves it for a user to qualify. Files are checked before anything is written, so a
    refused file leaves nothing behind."""
    words = _text(words, "words", required=reason == "other")
    for _name, content in files:
        evidence_check(content)
    with transaction.atomic():
        dispute = dispute_open(
            actor=None,
            customer=customer,
            invoices_amounts=invoices_amounts,
            origin=Origin.CUSTOMER_LINK,
            words=words,
            raised_on=raised_on,
            reason_code=reason_code_for(reason),
        )
        for name, content in files:
            evidence_add(
                actor=None, dispute=dispute, name=name, content=content, from_customer=True
            )
    return dispute


@transaction.atomic
def satisfaction_record(*, satisfaction: Satisfaction, rating, comment: str = "") -> Satisfaction:
    """Record the customer's rating (1 to 5) and comment; once (ValidationError after)."""
    satisfaction = Satisfaction.objects.select_for_update().get(pk=satisfaction.pk)
    if satisfaction.answered_at is not None:
        raise ValidationError({"rating": _("Your answer is already recorded. Thank you!")})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    satisfaction.rating = rating
    satisfaction.comment = _text(comment, "comment", required=False)
    satisfaction.answered_at = timezone.now()
    satisfaction.save(update_fields=["rating", "comment", "answered_at"])
    event_record(
        dispute=satisfaction.dispute,
        actor=None,
        type=EventType.SATISFACTION,
        comment=satisfaction.comment,
        data={"satisfaction_id": satisfaction.pk, "rating": rating, **PORTAL},
    )
    audit_record(
        actor=None,
        action="satisfaction",
        instance=satisfaction.dispute,
        changes={"rating": {"from": None, "to": rating}},
    )
    return satisfaction
