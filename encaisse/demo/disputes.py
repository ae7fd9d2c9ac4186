"""The demo company's disputes: a year of cases across the reason codes and every state, founded
and unfounded, with their timelines, credit notes and evidence; among them a few **planted
abusive customers** and **honest customers** with several founded disputes, whose codes the
summary returns (the ground truth the abuse score is measured against).

Seed data written in bulk like the ledger (``disputes_build`` takes well under a second): the
disputes, their invoice lines, events and evidence rows, and the dunning actions the history
implies (the reminders and formal notices sent before an abusive customer disputed, the courtesy
calls where they had confirmed payment). The active disputes then block dunning on their
disputed amounts through the disputes' own service, as if registered today.

- Planted abusive customers are late payers. Their disputes come after reminders or a formal
  notice (or right at the due date), on the whole amount, mostly without evidence (or with
  evidence weeks later), often "invoice not received" again and again, sometimes on an invoice
  they had confirmed on a courtesy call; most were rejected as unfounded or withdrawn.
- Honest customers dispute soon after the invoice, on the part that is wrong, with photos or
  delivery notes the same week; nearly all of their disputes were founded (credit notes, goods
  returned, repairs), and one may come after a reminder or be a genuine "not received".
- The other customers have the odd dispute, mostly founded."""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.storage import default_storage

from encaisse.customers.models import Customer
from encaisse.disputes.choices import ACTIVE_STATUSES, Origin, Outcome, Status
from encaisse.disputes.models import (
    Dispute,
    DisputeCounter,
    Evidence,
)
from encaisse.disputes.services.evidence import FOLDER
from encaisse.dunning.choices import Channel
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Allocation, Invoice

from .disputes_words import HONEST_WORDS, NOT_RECEIVED_WORDS, TACTIC_WORDS
from .disputes_write import disputes_write

CENT = Decimal("0.01")
HISTORY_DAYS = 365
WORKING_PATH = [Status.QUALIFIED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER]
FOUNDED_OUTCOMES = {
    "A1": Outcome.CREDIT_NOTE,
    "A2": Outcome.CREDIT_NOTE,
    "A3": Outcome.CREDIT_NOTE,
    "B1": Outcome.GOODS_RETURNED,
    "B2": Outcome.GOODS_RETURNED,
    "C1": Outcome.COMMERCIAL_GESTURE,
    "C2": Outcome.COMMERCIAL_GESTURE,
    "D1": Outcome.REPAIRED,
    "E1": Outcome.CREDIT_NOTE,
    "F1": Outcome.CREDIT_NOTE,
    "F2": Outcome.CREDIT_NOTE,
    "F3": Outcome.WITHDRAWN,
}
FOUNDED_CAUSES = {
    "A1": "price-master-data",
    "A2": "billing-error",
    "A3": "billing-error",
    "B1": "picking-error",
    "B2": "transport-damage",
    "C1": "unclear-terms",
    "C2": "unclear-terms",
    "D1": "product-defect",
    "E1": "service-quality",
    "F1": "order-entry",
    "F2": "customer-master-data",
    "F3": "invoice-delivery",
}
HONEST_CODES = ["A1", "A2", "A3", "B1", "B2", "D1", "E1", "F2"]
TACTIC_CODES = ["C1", "A1", "E1", "B2"]


@dataclass(frozen=True)
class DemoDisputes:
    disputes: int
    active: int
    abusive: list[str]  # customer codes of the planted abusive customers
    honest: list[str]  # customer codes of the honest customers with several founded disputes


@dataclass
class _Spec:
    """One dispute to write, with what its history implies."""

    customer: Customer
    invoice: Invoice
    raised_on: dt.date
    code: str
    words: str
    status: str
    whole: bool
    founded: bool | None = None
    outcome: str = ""
    cause: str = ""
    resolved_on: dt.date | None = None
    origin: str = Origin.CALL
    evidence_days: list[int] = field(default_factory=list)  # days after raised_on
    reminders: list[tuple[str, int]] = field(default_factory=list)  # (channel, days before)
    courtesy_confirmed: bool = False
    credit_note: tuple[str, Decimal] | None = None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def disputes_wipe() -> None:
    """Delete the disputes (before the ledger they point at) and their evidence files."""
    for stored_name in Evidence.objects.values_list("stored_name", flat=True):
        default_storage.delete(f"{FOLDER}/{stored_name}")
    Dispute.objects.all().delete()
    DisputeCounter.objects.all().delete()


class _Planner:
    def __init__(self, rng: random.Random, as_of: dt.date):
        self.rng, self.as_of = rng, as_of
        self.since = as_of - dt.timedelta(days=HISTORY_DAYS)
        self.used: set[int] = set()
        self.specs: list[_Spec] = []
        invoices = Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, issue_date__gte=self.since, issue_date__lt=as_of
        ).order_by("issue_date", "number")
        self.by_customer: dict[int, list[Invoice]] = {}
        for invoice in invoices:
            self.by_customer.setdefault(invoice.customer_id, []).append(invoice)
        self.credit_notes = {
            a.invoice_id: (a.credit_note.number, a.amount, a.credit_note.issue_date)
            for a in Allocation.objects.filter(credit_note__isnull=False, invoice__isnull=False)
            .select_related("credit_note")
            .order_by("pk")
        }

    def latest_raise(self, invoice: Invoice) -> dt.date:
        """A dispute comes before the invoice is settled (or by today)."""
        if invoice.status == InvoiceStatus.SETTLED and invoice.settled_on:
            return min(self.as_of, invoice.settled_on - dt.timedelta(days=1))
        return self.as_of

    def lateness(self, customer_id: int) -> int:
        late = 0
        for invoice in self.by_customer.get(customer_id, []):
            if invoice.status == InvoiceStatus.OPEN and invoice.due_date < self.as_of:
                late += 1
            elif invoice.settled_on and invoice.settled_on > invoice.due_date + dt.timedelta(15):
                late += 1
        return late

    def free(self, customer_id: int, test) -> list[Invoice]:
        return [
            i
            for i in self.by_customer.get(customer_id, [])
            if i.pk not in self.used and i.amount > 0 and test(i)
        ]

    # --- resolution ---------------------------------------------------------------------------

    def settle(self, spec: _Spec, *, founded: bool, outcome: str, cause: str, closed: bool):
        """``spec`` resolved (and maybe closed) some days after it was raised."""
        rng = self.rng
        latest = self.latest_raise(spec.invoice)
        if spec.invoice.pk in self.credit_notes and outcome == Outcome.CREDIT_NOTE:
            number, amount, issued = self.credit_notes[spec.invoice.pk]
            spec.credit_note = (number, amount)
            resolved = issued
        else:
            resolved = spec.raised_on + dt.timedelta(days=rng.randint(3, 25))
            if outcome == Outcome.CREDIT_NOTE:
                amount = _cents(spec.invoice.amount * Decimal(rng.choice(["0.1", "0.2", "0.5"])))
                spec.credit_note = (f"AV-L{len(self.specs) + 1:05d}", max(amount, CENT))
        resolved = max(spec.raised_on, min(resolved, self.as_of, max(latest, spec.raised_on)))
        spec.founded, spec.outcome, spec.cause = founded, outcome, cause
        spec.resolved_on = resolved
        spec.status = Status.CLOSED if closed and resolved < self.as_of else Status.RESOLVED

    def add(self, spec: _Spec) -> None:
        self.used.add(spec.invoice.pk)
        self.specs.append(spec)

    # --- the three kinds of customers ---------------------------------------------------------

    def abusive(self, customer: Customer, kind: int) -> int:
        """4 to 6 disputes in the pattern ``kind`` (0: after formal notices, 1: "invoice not
        received" again and again, 2: confirmed on a courtesy call, then disputed at the due
        date)."""
        rng = self.rng
        late = self.free(
            customer.pk,
            lambda i: (
                i.due_date + dt.timedelta(days=8) < self.latest_raise(i)
                and i.due_date > self.since + dt.timedelta(days=20)
            ),
        )
        if len(late) < 4:
            return 0
        chosen = sorted(
            rng.sample(late, min(len(late), rng.randint(4, 6))), key=lambda i: i.due_date
        )
        for index, invoice in enumerate(chosen):
            at_due = kind == 2 and index % 2 == 0
            if at_due:
                raised = invoice.due_date + dt.timedelta(days=rng.randint(-2, 2))
            else:
                raised = invoice.due_date + dt.timedelta(days=rng.randint(8, 35))
            raised = min(raised, self.latest_raise(invoice))
            code = "F3" if kind == 1 and index % 3 != 2 else rng.choice(TACTIC_CODES)
            words = rng.choice(NOT_RECEIVED_WORDS if code == "F3" else TACTIC_WORDS)
            spec = _Spec(
                customer=customer,
                invoice=invoice,
                raised_on=raised,
                code=code,
                words=words,
                status=Status.WAITING_CUSTOMER,
                whole=rng.random() < 0.85,
                origin=rng.choice([Origin.CALL, Origin.EMAIL]),
            )
            gap = (raised - invoice.due_date).days
            if gap > 3:
                spec.reminders.append((Channel.EMAIL, gap - 2))
            if gap > 12 and (kind == 0 or rng.random() < 0.5):
                spec.reminders.append((Channel.FORMAL_NOTICE, rng.randint(2, 6)))
            spec.courtesy_confirmed = kind == 2 or (index == 0 and rng.random() < 0.3)
            if rng.random() < 0.2:
                spec.evidence_days.append(rng.randint(18, 40))
            last_open = index == len(chosen) - 1 and invoice.status == InvoiceStatus.OPEN
            if not last_open:
                if rng.random() < 0.12:
                    outcome = FOUNDED_OUTCOMES.get(code, Outcome.COMMERCIAL_GESTURE)
                    cause = FOUNDED_CAUSES[code]
                    self.settle(spec, founded=True, outcome=outcome, cause=cause, closed=True)
                elif rng.random() < 0.3:
                    self.settle(
                        spec, founded=False, outcome=Outcome.WITHDRAWN, cause="", closed=True
                    )
                else:
                    cause = "payment-delay-tactic" if rng.random() < 0.6 else "customer-error"
                    closed = rng.random() < 0.7
                    self.settle(
                        spec, founded=False, outcome=Outcome.REJECTED, cause=cause, closed=closed
                    )
            self.add(spec)
        return len(chosen)

    def honest(self, customer: Customer, *, count: int, noise: bool) -> int:
        """``count`` disputes raised soon after the invoice, on part of it, with evidence,
        nearly all founded."""
        rng = self.rng
        fitting = self.free(
            customer.pk, lambda i: i.issue_date + dt.timedelta(days=3) <= self.latest_raise(i)
        )
        if len(fitting) < 3:
            return 0
        chosen = sorted(rng.sample(fitting, min(len(fitting), count)), key=lambda i: i.issue_date)
        for index, invoice in enumerate(chosen):
            code = rng.choice(HONEST_CODES)
            raised = invoice.issue_date + dt.timedelta(days=rng.randint(2, 9))
            late_reminder = (
                noise
                and index == 1
                and invoice.due_date + dt.timedelta(10) <= self.latest_raise(invoice)
            )
            if late_reminder:
                raised = invoice.due_date + dt.timedelta(days=rng.randint(6, 10))
            raised = min(raised, self.latest_raise(invoice))
            spec = _Spec(
                customer=customer,
                invoice=invoice,
                raised_on=raised,
                code=code,
                words=rng.choice(HONEST_WORDS[code]),
                status=rng.choice(WORKING_PATH + [Status.SOLUTION_PROPOSED]),
                whole=code == "A2",
                origin=rng.choice([Origin.CALL, Origin.EMAIL, Origin.SALESPERSON]),
                evidence_days=[rng.randint(0, 3)]
                + ([rng.randint(2, 6)] if rng.random() < 0.4 else []),
            )
            if late_reminder:
                spec.reminders.append((Channel.EMAIL, 4))
            last_open = index == len(chosen) - 1 and invoice.status == InvoiceStatus.OPEN
            if not last_open:
                founded = not (noise and index == 0 and rng.random() < 0.5)
                if founded:
                    outcome, cause = FOUNDED_OUTCOMES[code], FOUNDED_CAUSES[code]
                    if outcome == Outcome.WITHDRAWN:
                        outcome = Outcome.CREDIT_NOTE
                else:
                    outcome, cause = Outcome.REJECTED, "customer-error"
                self.settle(
                    spec, founded=founded, outcome=outcome, cause=cause, closed=rng.random() < 0.8
                )
            self.add(spec)
        return len(chosen)

    def occasional(self, customer: Customer) -> None:
        """One or two disputes of any code, mostly founded, raised any time before payment."""
        rng = self.rng
        fitting = self.free(
            customer.pk, lambda i: i.issue_date + dt.timedelta(2) <= self.latest_raise(i)
        )
        for invoice in rng.sample(fitting, min(len(fitting), rng.choice([1, 1, 2]))):
            code = rng.choice(sorted(FOUNDED_CAUSES))
            latest = self.latest_raise(invoice)
            span = max(0, min(45, (latest - invoice.issue_date).days - 2))
            raised = invoice.issue_date + dt.timedelta(days=2 + rng.randint(0, span))
            words_pool = (
                NOT_RECEIVED_WORDS if code == "F3" else HONEST_WORDS.get(code, TACTIC_WORDS)
            )
            spec = _Spec(
                customer=customer,
                invoice=invoice,
                raised_on=raised,
                code=code,
                words=rng.choice(words_pool),
                status=rng.choice([Status.NEW, *WORKING_PATH, Status.SOLUTION_PROPOSED]),
                whole=rng.random() < 0.4,
                origin=rng.choice(Origin.values[:5]),
                evidence_days=[rng.randint(0, 12)] if rng.random() < 0.6 else [],
            )
            if invoice.status != InvoiceStatus.OPEN or rng.random() < 0.5:
                founded = rng.random() < 0.75
                if founded:
                    outcome, cause = FOUNDED_OUTCOMES[code], FOUNDED_CAUSES[code]
                else:
                    outcome, cause = Outcome.REJECTED, "customer-error"
                closed = rng.random() < 0.6
                self.settle(spec, founded=founded, outcome=outcome, cause=cause, closed=closed)
            self.add(spec)


@dataclass(frozen=True)
class FlaggedMeasure:
    flagged: list[str]
    precision: float  # share of the flagged customers that were planted (1.0 if none flagged)
    recall: float  # share of the planted customers that are flagged


def flagged_measure(planted: list[str]) -> FlaggedMeasure:
    """How well the stored flagged list finds the ``planted`` customers (by code)."""
    from encaisse.disputes.models import AbuseScore

    flagged = sorted(
        AbuseScore.objects.filter(flagged=True).values_list("customer__code", flat=True)
    )
    hits = len(set(flagged) & set(planted))
    return FlaggedMeasure(
        flagged=flagged,
        precision=hits / len(flagged) if flagged else 1.0,
        recall=hits / len(planted) if planted else 1.0,
    )


def disputes_build(*, seed: int, as_of: dt.date, users: dict) -> DemoDisputes:
    """Plant the disputes of the demo ledger (module docstring). Deterministic for a seed and a
    date."""
    rng = random.Random(seed * 13 + 5)
    planner = _Planner(rng, as_of)
    customers = list(Customer.objects.order_by("code"))
    n = len(customers)
    by_lateness = sorted(customers, key=lambda c: (-planner.lateness(c.pk), c.code))
    candidates = [c for c in by_lateness[: max(6, n // 8)] if planner.lateness(c.pk) >= 5]
    abusive = []
    for customer in rng.sample(candidates, min(len(candidates), max(2, n // 50))):
        if planner.abusive(customer, kind=len(abusive) % 3) >= 4:
            abusive.append(customer)
    rest = [
        c for c in customers if c not in abusive and len(planner.by_customer.get(c.pk, [])) >= 5
    ]
    honest = []
    for customer in rng.sample(rest, min(len(rest), max(3, n // 30))):
        if planner.honest(customer, count=rng.randint(3, 5), noise=len(honest) % 2 == 1) >= 3:
            honest.append(customer)
    others = [c for c in customers if c not in abusive and c not in honest]
    for customer in rng.sample(others, min(len(others), n // 5)):
        planner.occasional(customer)
    count = disputes_write(rng, planner.specs, as_of=as_of, users=users)
    return DemoDisputes(
        disputes=count,
        active=Dispute.objects.filter(status__in=ACTIVE_STATUSES).count(),
        abusive=sorted(c.code for c in abusive),
        honest=sorted(c.code for c in honest),
    )
