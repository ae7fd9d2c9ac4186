"""The dispute emails, through the correspondence outbox and its editable templates:

- to the customer: the acknowledgement when a dispute is registered (``dispute-acknowledgement``),
  an update when a solution is proposed (``dispute-solution-proposed``) and when it is resolved
  (``dispute-resolved``), the satisfaction request (``dispute-satisfaction``, see
  ``followup.py``); each carries the customer's secure link;
- to users: the escalation email (``dispute-escalation``) for each in-app notification.

The disputes services call the ``on_*`` hooks inside their transaction; the hooks queue the
outbox row with ``transaction.on_commit`` (robust: a failure is logged and never undoes nor
breaks the user's committed action), so a rolled-back change sends nothing. Never twice:
each row's idempotency key names the dispute and the event (the acknowledgement, the transition
event's id, the escalation level and user), and the key is unique in the outbox.

The customer's address: the dispute's contact when it has an email, else the billing contact
(``correspondence.rendering.billing_contact``), else the customer's own; the language is that
contact's, else the customer's. No address: no email (the page stays reachable by the link the
collector can copy). Disputes registered by a CSV import get no acknowledgement (they are
often history)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from encaisse.company.selectors import company_get
from encaisse.correspondence.models import OutboxMessage
from encaisse.correspondence.rendering import TemplateError, billing_contact, render_email
from encaisse.correspondence.selectors import template_for
from encaisse.disputes.choices import Escalation, Origin, Outcome, Status
from encaisse.disputes.models import Dispute

from . import tokens
from .steps import next_step

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENT = "dispute-acknowledgement"
SOLUTION_PROPOSED = "dispute-solution-proposed"
RESOLVED = "dispute-resolved"
SATISFACTION = "dispute-satisfaction"
ESCALATION = "dispute-escalation"
UPDATES = {Status.SOLUTION_PROPOSED: SOLUTION_PROPOSED, Status.RESOLVED: RESOLVED}


def customer_recipient(dispute: Dispute):
    """(address, language, contact) the customer emails of ``dispute`` go to."""
    customer = dispute.customer
    contact = dispute.contact if dispute.contact and dispute.contact.email else None
    contact = contact or billing_contact(customer)
    address = (contact.email if contact and contact.email else "") or customer.email
    language = (contact.language if contact and contact.language else "") or customer.language
    return address, language or settings.LANGUAGE_CODE, contact


def dispute_context(dispute: Dispute, *, language: str, contact=None, **extra) -> dict:
    with translation.override(language):
        outcome = str(Outcome(dispute.outcome).label) if dispute.outcome else ""
        step = str(next_step(dispute.status))
    return {
        "customer": dispute.customer,
        "contact": contact,
        "company": company_get(),
        "dispute": dispute,
        "invoices": [
            {"number": line.invoice.number, "disputed_amount": line.disputed_amount}
            for line in dispute.lines.select_related("invoice").order_by("invoice__number")
        ],
        "next_step": step,
        "expected_date": dispute.target_date if dispute.is_active else None,
        "outcome": outcome,
        "portal_link": tokens.dispute_link(dispute_id=dispute.pk, customer_id=dispute.customer_id),
        "today": timezone.localdate(),
        **extra,
    }


def _queue(*, dispute, code, key, address, language, context, delay=None):
    """Render ``code`` in ``language`` and queue it once under ``key`` (the existing row when
    it was queued already). Logged, not raised: a broken or missing template must not break
    the user's action, which is committed already."""
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        template = template_for(code=code, channel="email", language=language)
        subject, text, html = render_email(template, context)
    except (TemplateError, LookupError):
        logger.exception("dispute email %s for dispute %s could not be rendered", code, dispute.pk)
        return None
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                customer=dispute.customer,
                template_code=template.code,
                idempotency_key=key,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipients=[address],
                language=template.language,
                subject=subject,
                body_text=text,
                body_html=html,
                next_attempt_at=timezone.now() + (delay or dt.timedelta(0)),
            )
    except IntegrityError:  # queued by a concurrent caller
        return OutboxMessage.objects.filter(idempotency_key=key).first()


def customer_email_queue(*, dispute_id: int, code: str, key: str, delay=None, **extra):
    """Queue the customer email ``code`` of a dispute under ``key`` (outside any transaction of
    the caller: called on commit). Returns the OutboxMessage, or None without an address."""
    dispute = Dispute.objects.select_related("customer", "contact").get(pk=dispute_id)
    address, language, contact = customer_recipient(dispute)
    if not address:
        return None
    context = dispute_context(dispute, language=language, contact=contact, **extra)
    key = f"{key}:{address.lower()}"
    return _queue(
        dispute=dispute,
        code=code,
        key=key,
        address=address,
        language=language,
        context=context,
        delay=delay,
    )


def on_dispute_opened(dispute: Dispute) -> None:
    """Hook of ``dispute_open``: the acknowledgement, after commit."""
    if dispute.origin == Origin.IMPORT:
        return
    pk = dispute.pk
    transaction.on_commit(
        lambda: customer_email_queue(dispute_id=pk, code=ACKNOWLEDGEMENT, key=f"dispute:{pk}:ack"),
        robust=True,
    )


def on_dispute_moved(dispute: Dispute, event) -> None:
    """Hook of the transition services: the update email of a move that matters to the
    customer, and the satisfaction follow-up after a resolution. A reopening withdraws the
    follow-up of the earlier resolution not sent yet, in the reopening's transaction."""
    if (event.data or {}).get("reopened"):
        from .followup import satisfaction_withdraw_pending

        satisfaction_withdraw_pending(dispute=dispute)
    code = UPDATES.get(event.to_status)
    if code is None:
        return
    pk, event_pk = dispute.pk, event.pk
    transaction.on_commit(
        lambda: customer_email_queue(
            dispute_id=pk, code=code, key=f"dispute:{pk}:event:{event_pk}"
        ),
        robust=True,
    )
    if event.to_status == Status.RESOLVED:
        from .followup import satisfaction_follow_up

        transaction.on_commit(lambda: satisfaction_follow_up(dispute_id=pk), robust=True)


def staff_dispute_url(dispute_id: int) -> str:
    try:
        return tokens.absolute(reverse("disputes:detail", args=[dispute_id]))
    except NoReverseMatch:  # the staff pages are not mounted
        return ""


def escalation_emails_queue(notices: list[tuple[int, int, int]]) -> int:
    """Queue an escalation email per (dispute id, level, user id) to the user's address, in
    the user's language; returns how many were queued. Users without an email are skipped
    (they have the in-app notification)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk({user_id for _d, _l, user_id in notices})
    disputes = Dispute.objects.select_related("customer").in_bulk({d for d, _l, _u in notices})
    company = company_get()
    queued = 0
    for dispute_id, level, user_id in notices:
        user, dispute = users.get(user_id), disputes.get(dispute_id)
        if user is None or dispute is None or not user.email:
            continue
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            level_label = str(Escalation(level).label)
        context = {
            "user": user,
            "dispute": dispute,
            "customer": dispute.customer,
            "company": company,
            "level": level_label,
            "expected_date": dispute.target_date,
            "dispute_url": staff_dispute_url(dispute.pk),
            "today": timezone.localdate(),
        }
        message = _queue(
            dispute=dispute,
            code=ESCALATION,
            key=f"escalation:{dispute_id}:{level}:{user_id}",
            address=user.email,
            language=language,
            context=context,
        )
        queued += message is not None
    return queued


def on_escalated(notices: list[tuple[int, int, int]]) -> None:
    """Hook of ``disputes_escalate``: the escalation emails, after commit."""
    if notices:
        transaction.on_commit(lambda: escalation_emails_queue(notices), robust=True)
