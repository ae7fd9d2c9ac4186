"""Writing the demo's planned disputes (``disputes._Spec``) in bulk: the disputes numbered per
year, their invoice lines, timelines and evidence (small files under MEDIA_ROOT), the dunning
actions their history implies, and the dunning blocks of the active ones (through the disputes'
own service)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from encaisse.disputes import deadlines
from encaisse.disputes.choices import ACTIVE_STATUSES, EventType, Status
from encaisse.disputes.models import (
    Dispute,
    DisputeCounter,
    DisputedInvoice,
    DisputeEvent,
    Evidence,
    ReasonCode,
    RootCause,
)
from encaisse.disputes.services.dunning import block_disputed_amounts
from encaisse.disputes.services.evidence import FOLDER
from encaisse.disputes.services.numbering import format_number
from encaisse.disputes.services.opening import default_owner
from encaisse.dunning.choices import ActionSource, ActionStatus, CallOutcome, Channel
from encaisse.dunning.models import Action, ActionInvoice

from .disputes_words import EVIDENCE_NAMES

if TYPE_CHECKING:
    from .disputes import _Spec

CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _path(spec: _Spec, as_of: dt.date) -> list[tuple[str, dt.date]]:
    """The statuses the dispute went through after "new", with their dates."""
    end = spec.resolved_on or as_of
    if spec.status in ACTIVE_STATUSES:
        order = [Status.QUALIFIED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER,
                 Status.SOLUTION_PROPOSED]  # fmt: skip
        steps = [] if spec.status == Status.NEW else order[: order.index(spec.status) + 1]
    else:
        steps = [Status.QUALIFIED, Status.IN_PROGRESS]
        if spec.founded:
            steps.append(Status.SOLUTION_PROPOSED)
        steps.append(Status.RESOLVED)
    span = max(0, (end - spec.raised_on).days)
    dated = [
        (status, spec.raised_on + dt.timedelta(days=span * (i + 1) // (len(steps) + 1)))
        for i, status in enumerate(steps)
    ]
    if dated and dated[-1][0] == Status.RESOLVED:
        dated[-1] = (Status.RESOLVED, spec.resolved_on)
    if spec.status == Status.CLOSED:
        dated.append((Status.CLOSED, min(as_of, spec.resolved_on + dt.timedelta(days=5))))
    return dated


def _evidence_file(rng: random.Random, name: str) -> tuple[str, bytes, str]:
    if name.endswith(".jpg"):
        content = b"\xff\xd8\xff\xe0" + rng.randbytes(600)
        return name, content, "image/jpeg"
    content = b"%PDF-1.4\n% Encaisse demo evidence\n" + rng.randbytes(400) + b"\n%%EOF\n"
    return name, content, "application/pdf"


def disputes_write(rng: random.Random, specs: list[_Spec], *, as_of: dt.date, users: dict) -> int:
    codes = {c.code: c for c in ReasonCode.objects.select_related("department", "category")}
    causes = {c.code: c for c in RootCause.objects.all()}
    users_by_id = {u.pk: u for u in users.values()}
    specs = [s for s in specs if s.code in codes]
    specs.sort(key=lambda s: (s.raised_on, s.customer.code, s.invoice.number))
    counters: dict[int, int] = {}
    disputes, lines, events, evidence, actions = [], [], [], [], []
    for spec in specs:
        year = spec.raised_on.year
        counters[year] = counters.get(year, 0) + 1
        reason = codes[spec.code]
        owner = default_owner(reason.department)
        coordinator = users_by_id.get(spec.customer.collector_id) or users["collector"]
        opening = (
            spec.invoice.amount if spec.status not in ACTIVE_STATUSES else spec.invoice.open_amount
        )
        share = Decimal(rng.choice(["0.15", "0.25", "0.4", "0.6"]))
        disputed = opening if spec.whole else max(CENT, _cents(opening * share))
        path = _path(spec, as_of)
        dates = dict(path)
        dispute = Dispute(
            number=format_number(year, counters[year]),
            customer=spec.customer,
            origin=spec.origin,
            words=spec.words,
            raised_on=spec.raised_on,
            category=reason.category if Status.QUALIFIED in dates else None,
            reason_code=reason if Status.QUALIFIED in dates else None,
            department=reason.department if Status.QUALIFIED in dates else None,
            owner=owner if Status.QUALIFIED in dates else None,
            coordinator=coordinator,
            status=spec.status,
            disputed_total=disputed,
            outcome=spec.outcome,
            founded=spec.founded,
            root_cause=causes.get(spec.cause),
            credit_note_number=spec.credit_note[0] if spec.credit_note else "",
            credit_note_amount=spec.credit_note[1] if spec.credit_note else None,
            closed_at=_at(dates[Status.CLOSED], 11) if Status.CLOSED in dates else None,
            created_by=coordinator,
        )
        dispute.resolution_set(_at(spec.resolved_on, 16) if spec.resolved_on else None)
        if dispute.reason_code is not None:
            dispute.target_date = deadlines.target_date(spec.raised_on, reason.target_days)
            dispute.at_risk_on = deadlines.at_risk_from(spec.raised_on, reason.target_days)
        disputes.append(dispute)
        lines.append(
            DisputedInvoice(
                dispute=dispute,
                invoice=spec.invoice,
                disputed_amount=disputed,
                open_amount_at_opening=opening,
            )
        )
        events.append(
            DisputeEvent(
                dispute=dispute,
                type=EventType.OPENED,
                actor=coordinator,
                at=_at(spec.raised_on, 9, rng.randint(0, 59)),
                to_status=Status.NEW,
                comment=spec.words,
                data={
                    "origin": spec.origin,
                    "invoices": [{"number": spec.invoice.number, "disputed_amount": str(disputed)}],
                },
            )
        )
        previous = Status.NEW
        for status, day in path:
            data = {}
            if status == Status.QUALIFIED:
                data = {"reason_code": spec.code, "department": reason.department.code}
            if status == Status.RESOLVED:
                data = {
                    "outcome": spec.outcome,
                    "founded": spec.founded,
                    "root_cause": spec.cause or None,
                    "credit_note_number": spec.credit_note[0] if spec.credit_note else None,
                    "credit_note_amount": str(spec.credit_note[1]) if spec.credit_note else None,
                }
            events.append(
                DisputeEvent(
                    dispute=dispute,
                    type=EventType.TRANSITION,
                    actor=coordinator if status == Status.QUALIFIED else (owner or coordinator),
                    at=_at(day, 10 + len(events) % 6, rng.randint(0, 59)),
                    from_status=previous,
                    to_status=status,
                    data=data,
                )
            )
            previous = status
        for days in spec.evidence_days:
            day = spec.raised_on + dt.timedelta(days=days)
            if day > as_of:
                continue
            pool = EVIDENCE_NAMES.get(spec.code, EVIDENCE_NAMES["default"])
            name, content, content_type = _evidence_file(rng, rng.choice(pool))
            stored = f"demo-{hashlib.sha256(content).hexdigest()[:24]}" + name[name.rindex(".") :]
            evidence.append(
                (
                    Evidence(
                        dispute=dispute,
                        original_name=name,
                        stored_name=stored,
                        content_type=content_type,
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                    ),
                    content,
                    _at(day, 14, rng.randint(0, 59)),
                )
            )
            events.append(
                DisputeEvent(
                    dispute=dispute,
                    type=EventType.EVIDENCE,
                    at=_at(day, 14, 30),
                    data={"name": name},
                )
            )
        for channel, days_before in spec.reminders:
            day = spec.raised_on - dt.timedelta(days=days_before)
            actions.append((spec, channel, day, ""))
        if spec.courtesy_confirmed:
            day = spec.invoice.due_date - dt.timedelta(days=10)
            if spec.invoice.issue_date <= day < spec.raised_on:
                actions.append((spec, Channel.CALL, day, CallOutcome.PAYMENT_CONFIRMED))
    Dispute.objects.bulk_create(disputes, batch_size=1000)
    for line in lines:
        line.dispute_id = line.dispute.pk
    DisputedInvoice.objects.bulk_create(lines, batch_size=1000)
    for event in events:
        event.dispute_id = event.dispute.pk
    DisputeEvent.objects.bulk_create(events, batch_size=1000)
    for row, content, _day in evidence:
        row.dispute_id = row.dispute.pk
        path = default_storage.save(f"{FOLDER}/{row.stored_name}", ContentFile(content))
        row.stored_name = path.rsplit("/", 1)[-1]
    rows = Evidence.objects.bulk_create([row for row, _c, _d in evidence], batch_size=1000)
    for row, _content, day in evidence:  # uploaded_at is set on insert: put the real day back
        row.uploaded_at = day
    Evidence.objects.bulk_update(rows, ["uploaded_at"], batch_size=1000)
    for year, last in counters.items():
        DisputeCounter.objects.update_or_create(year=year, defaults={"last": last})
    _write_actions(actions, users_by_id)
    for dispute in disputes:
        if dispute.status in ACTIVE_STATUSES:
            block_disputed_amounts(actor=None, dispute=dispute, on=dispute.raised_on)
    return len(disputes)


def _write_actions(actions, users_by_id) -> None:
    """The dunning actions the disputes' history implies, done by the customer's collector."""
    rows = []
    for spec, channel, day, outcome in actions:
        collector = users_by_id.get(spec.customer.collector_id)
        note = "Joint : paiement confirmé à l'échéance." if outcome else ""
        rows.append(
            Action(
                customer=spec.customer,
                source=ActionSource.MANUAL,
                channel=channel,
                template_code="courtesy-call" if outcome else "",
                status=ActionStatus.DONE,
                assigned_to=collector,
                due_on=day,
                total=spec.invoice.amount,
                outcome=outcome,
                notes=note,
                done_at=_at(day, 11),
                done_by=collector,
                approved_at=_at(day, 9) if channel == Channel.FORMAL_NOTICE else None,
            )
        )
    Action.objects.bulk_create(rows, batch_size=1000)
    ActionInvoice.objects.bulk_create(
        [
            ActionInvoice(action=row, invoice=spec.invoice, amount_due=spec.invoice.amount)
            for row, (spec, _c, _d, _o) in zip(rows, actions, strict=True)
        ],
        batch_size=1000,
    )
