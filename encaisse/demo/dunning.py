"""The demo company's dunning history: its segments follow the shipped scenarios, and the
real daily run (``dunning_run_generate``) is replayed day by day over the last weeks, so the
runs, actions and invoice states are exactly what the product would have produced.

Around it, seed data written directly (like the ledger): promises to pay, some kept (on
invoices paid since) and some broken (on invoices still open; the run settles them and
creates the priority calls), and the outcome of past calls, emails and letters (done, by
the customer's collector, with a note). Deterministic for a seed and a date."""

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from encaisse.customers.models import Segment
from encaisse.dunning.choices import ActionStatus, CallOutcome, Channel, PromiseStatus
from encaisse.dunning.models import (
    Action,
    PromiseInvoice,
    PromiseToPay,
    Run,
    Scenario,
    SegmentScenario,
)
from encaisse.dunning.services import dunning_run_generate
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Allocation, Invoice

HISTORY_DAYS = 45
KEPT_PROMISES = 12
BROKEN_PROMISES = 8
SEGMENT_SCENARIOS = {
    "key-accounts": "grands-comptes",
    "public": "secteur-public",
    "sme": "standard",
    "retail": "standard",
}
CALL_NOTES = [
    ("Joint : paiement confirmé pour la fin de semaine.", CallOutcome.PAYMENT_CONFIRMED),
    ("Messagerie, message laissé.", CallOutcome.NOT_REACHED),
    ("Joint : facture bien reçue, en attente de validation interne.", CallOutcome.REACHED),
    ("Non joint, rappeler demain matin.", CallOutcome.NOT_REACHED),
    ("Joint : le comptable demande un duplicata de la facture.", CallOutcome.REACHED),
    ("Joint : virement programmé au prochain jour de paiement fournisseurs.", CallOutcome.REACHED),
    ("Joint : rappeler lundi, la personne en charge est absente.", CallOutcome.CALL_BACK),
]


@dataclass(frozen=True)
class DunningHistory:
    runs: int
    actions: int
    promises_kept: int
    promises_broken: int
    calls_done: int


def _map_segments() -> None:
    scenarios = {s.code: s for s in Scenario.objects.filter(code__in=SEGMENT_SCENARIOS.values())}
    for segment in Segment.objects.filter(code__in=SEGMENT_SCENARIOS):
        scenario = scenarios.get(SEGMENT_SCENARIOS[segment.code])
        if scenario is not None:
            SegmentScenario.objects.update_or_create(
                segment=segment, defaults={"scenario": scenario}
            )


def _promise(customer_id, invoices, *, promised_on, taken_by, status, at_promise, resolved_on):
    amount = sum((at for at in at_promise), Decimal("0"))
    promise = PromiseToPay.objects.create(
        customer_id=customer_id,
        amount=amount,
        promised_on=promised_on,
        channel=Channel.CALL,
        taken_by=taken_by,
        status=status,
        paid_amount=amount if status == PromiseStatus.KEPT else Decimal("0"),
        resolved_on=resolved_on,
        notes="Promesse obtenue par téléphone.",
    )
    PromiseInvoice.objects.bulk_create(
        PromiseInvoice(promise=promise, invoice=invoice, open_amount_at_promise=at)
        for invoice, at in zip(invoices, at_promise, strict=True)
    )


def _promises(rng: random.Random, *, start: dt.date, as_of: dt.date, collector) -> None:
    """Kept promises on invoices settled during the window (resolved on their payment date);
    broken ones on invoices still open, left open for the replayed runs to settle."""
    settled = list(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            status=InvoiceStatus.SETTLED,
            settled_on__gte=start + dt.timedelta(days=7),
            settled_on__lt=as_of,
            due_date__lt=F("settled_on"),
        ).order_by("number")[:200]
    )
    for invoice in rng.sample(settled, min(KEPT_PROMISES, len(settled))):
        _promise(
            invoice.customer_id,
            [invoice],
            promised_on=invoice.settled_on,
            taken_by=collector,
            status=PromiseStatus.KEPT,
            at_promise=[invoice.amount],
            resolved_on=invoice.settled_on,
        )
    open_late = list(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE,
            status=InvoiceStatus.OPEN,
            due_date__lt=start,
            open_amount__gt=0,
        ).order_by("number")[:300]
    )
    for invoice in rng.sample(open_late, min(BROKEN_PROMISES, len(open_late))):
        _promise(
            invoice.customer_id,
            [invoice],
            promised_on=start + dt.timedelta(days=rng.randint(5, HISTORY_DAYS - 10)),
            taken_by=collector,
            status=PromiseStatus.OPEN,
            at_promise=[invoice.open_amount],
            resolved_on=None,
        )


def _outcomes(rng: random.Random, *, as_of: dt.date, users_by_id: dict) -> int:
    """Past actions are done: calls with a note of how they went, emails and letters sent,
    formal notices approved then sent. Today's and yesterday's stay to do."""
    done = 0
    past = (
        Action.objects.filter(due_on__lt=as_of - dt.timedelta(days=1))
        .filter(Q(status=ActionStatus.PLANNED) | Q(status=ActionStatus.AWAITING_APPROVAL))
        .select_related("customer")
        .order_by("due_on", "pk")
    )
    for action in past:
        when = timezone.make_aware(
            dt.datetime.combine(action.due_on, dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)))
        )
        performer = users_by_id.get(action.customer.collector_id)
        action.status = ActionStatus.DONE
        action.done_at, action.done_by = when, performer
        if action.channel == Channel.CALL:
            action.notes, action.outcome = rng.choice(CALL_NOTES)
            done += 1
        if action.approved_at is None and action.channel == Channel.FORMAL_NOTICE:
            action.approved_at, action.approved_by = when, users_by_id.get("manager")
        action.save(
            update_fields=[
                "status",
                "done_at",
                "done_by",
                "notes",
                "outcome",
                "approved_at",
                "approved_by",
            ]
        )
    return done


def _reopen_paid_during(*, start: dt.date, as_of: dt.date) -> dict[int, dt.date]:
    """The invoices paid during the replay, open again (for what was still owed when it began)
    until their payment day, so the replayed runs dun them as they would have, and the
    dunning-effectiveness figures see invoices paid after a reminder. ``{id: settled on}``."""
    paid = Invoice.objects.filter(
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.SETTLED,
        settled_on__gte=start,
        settled_on__lte=as_of,
    )
    settled_on = dict(paid.values_list("pk", "settled_on"))
    before = (
        Allocation.objects.filter(invoice=OuterRef("pk"), allocated_on__lt=start)
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    paid.update(
        status=InvoiceStatus.OPEN,
        open_amount=F("amount") - Coalesce(Subquery(before), Value(Decimal("0"))),
    )
    return settled_on


def _settle_paid_before(paid: dict[int, dt.date], day: dt.date) -> None:
    """Settled again, as they are in the ledger, the invoices paid before ``day``'s run."""
    ids = [pk for pk, settled_on in paid.items() if settled_on < day]
    if ids:
        Invoice.objects.filter(pk__in=ids).update(status=InvoiceStatus.SETTLED, open_amount=0)
        for pk in ids:
            del paid[pk]


def dunning_history_build(*, seed: int, as_of: dt.date, users: dict) -> DunningHistory:
    """Replay ``HISTORY_DAYS`` days of dunning up to ``as_of`` (included) on the demo ledger."""
    rng = random.Random(seed * 7 + 1)
    Run.objects.all().delete()
    _map_segments()
    start = as_of - dt.timedelta(days=HISTORY_DAYS)
    _promises(rng, start=start, as_of=as_of, collector=users["collector"])
    paid = _reopen_paid_during(start=start, as_of=as_of)
    day = start
    while day <= as_of:
        _settle_paid_before(paid, day)
        dunning_run_generate(as_of=day, collect=False)
        day += dt.timedelta(days=1)
    _settle_paid_before(paid, as_of + dt.timedelta(days=1))
    users_by_id = {user.pk: user for user in users.values()}
    users_by_id["manager"] = users["manager"]
    calls = _outcomes(rng, as_of=as_of, users_by_id=users_by_id)
    return DunningHistory(
        runs=Run.objects.count(),
        actions=Action.objects.count(),
        promises_kept=PromiseToPay.objects.filter(status=PromiseStatus.KEPT).count(),
        promises_broken=PromiseToPay.objects.filter(status=PromiseStatus.BROKEN).count(),
        calls_done=calls,
    )


def dunning_digest() -> str:
    """A SHA-256 over the dunning history by business key, to compare two demo loads."""
    digest = hashlib.sha256()
    rows = Action.objects.order_by("customer__code", "due_on", "channel", "source").values_list(
        "customer__code", "due_on", "channel", "source", "status", "total", "notes"
    )
    for row in rows:
        digest.update(repr(row).encode())
    promises = PromiseToPay.objects.order_by("customer__code", "promised_on").values_list(
        "customer__code", "promised_on", "amount", "status", "resolved_on"
    )
    for row in promises:
        digest.update(repr(row).encode())
    return digest.hexdigest()
