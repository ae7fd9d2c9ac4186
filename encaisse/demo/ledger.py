"""The demo ledger: 18 months of invoices, payments, credit notes and their allocations.

Each invoice is paid (or not yet) according to its customer's payer profile: good payers about
on time, slow payers 10 to 30 days late, chronic late payers 40 to 120 days late. Some invoices
are paid in two instalments, some are reduced or cancelled by a credit note (avoir), a few are
stuck (a dispute nobody has raised yet), and customers who overpay leave cash on account.
Everything after the as-of date has not happened yet, so it is still open.

Pure building: this module returns unsaved model instances; ``demo.generator`` saves them."""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from encaisse.core.dates import due_date_for
from encaisse.core.money import ZERO, to_cents
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus, Source
from encaisse.receivables.models import Allocation, Invoice, Payment

from . import names
from .customers import DemoCustomer, Profile

MONTHS = 18
DAYS_PER_MONTH = 30.44
VAT_RATE = Decimal("0.20")

STUCK_SHARE = 0.015  # never paid: a silent dispute
CREDIT_NOTE_SHARE = 0.03
CREDIT_NOTE_ALLOCATED_SHARE = 0.7  # the rest stays open: the customer will deduct it later
OPEN_CREDIT_NOTE_MAX_AGE = 120  # days
PARTIAL_SHARE = 0.05  # paid in two instalments
RUN_DAYS = (10, 25)  # key accounts and public bodies pay in runs on these days of the month


@dataclass
class LedgerPlan:
    """Unsaved rows, linked by object references so the generator can save them in order."""

    invoices: list[Invoice] = field(default_factory=list)  # invoices and credit notes
    payments: list[Payment] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)


@dataclass
class _Draft:
    customer: DemoCustomer
    issue_date: dt.date
    amount: Decimal
    label: str
    reference: str
    invoice: Invoice | None = None


def _issue_dates(rng: random.Random, dc: DemoCustomer, as_of: dt.date) -> list[dt.date]:
    start = as_of - dt.timedelta(days=int(dc.first_month * DAYS_PER_MONTH))
    months = (as_of - start).days / DAYS_PER_MONTH
    count = max(1, round(dc.plan.invoices_per_month * months * rng.uniform(0.5, 1.5)))
    span = (as_of - start).days
    dates = []
    for _ in range(count):
        day = start + dt.timedelta(days=rng.randint(0, span))
        # Invoices are issued on working days: a weekend date moves back to the Friday.
        if day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)
        dates.append(day)
    return sorted(dates)


def _amount_incl_tax(rng: random.Random, median: float) -> Decimal:
    excl = min(max(median * math.exp(rng.gauss(0, 0.8)), 40.0), 250_000.0)
    excl = to_cents(Decimal(f"{excl:.2f}"))
    return to_cents(excl * (1 + VAT_RATE))


def _lateness(rng: random.Random, profile: str) -> int:
    """Days between the due date and the payment (negative: paid early)."""
    if profile == Profile.GOOD:
        return rng.randint(-6, 3) if rng.random() < 0.9 else rng.randint(4, 15)
    if profile == Profile.SLOW:
        return rng.randint(10, 30)
    return rng.randint(40, 120)


def _payment_run(day: dt.date) -> dt.date:
    """The next payment-run day on or after ``day``."""
    for run in RUN_DAYS:
        if day.day <= run:
            return day.replace(day=run)
    next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return next_month.replace(day=RUN_DAYS[0])


class _Payments:
    """Payments keyed by (customer, date): one transfer pays all invoices settled that day."""

    def __init__(self):
        self.by_key: dict[tuple[str, dt.date], Payment] = {}
        self.allocations: list[Allocation] = []

    def pay(self, dc: DemoCustomer, invoice: Invoice, amount: Decimal, day: dt.date):
        key = (dc.customer.code, day)
        payment = self.by_key.get(key)
        if payment is None:
            payment = Payment(
                customer=dc.customer,
                received_on=day,
                amount=ZERO,
                unallocated_amount=ZERO,
                method=dc.payment_method,
                source=Source.DEMO,
            )
            self.by_key[key] = payment
        payment.amount += amount
        self.allocations.append(
            Allocation(invoice=invoice, payment=payment, amount=amount, allocated_on=day)
        )

    def on_account(self, dc: DemoCustomer, amount: Decimal, day: dt.date):
        """Cash with nothing to match: a duplicate transfer or a rounded-up payment."""
        key = (dc.customer.code, day)
        payment = self.by_key.get(key)
        if payment is None:
            payment = Payment(
                customer=dc.customer,
                received_on=day,
                amount=ZERO,
                unallocated_amount=ZERO,
                method=dc.payment_method,
                source=Source.DEMO,
            )
            self.by_key[key] = payment
        payment.amount += amount
        payment.unallocated_amount += amount

    def ordered(self) -> list[Payment]:
        """Payments in date order with references RG000001..., unique as the ledger wants."""
        payments = sorted(self.by_key.values(), key=lambda p: (p.received_on, p.customer.code))
        for number, payment in enumerate(payments, start=1):
            payment.reference = f"RG{number:06d}"
        return payments


def _numbered(drafts: list[_Draft], prefix: str) -> list[_Draft]:
    """Number documents in issue order, restarting each year: FA2025-00001, AV2026-00001."""
    drafts.sort(key=lambda d: (d.issue_date, d.customer.customer.code))
    counters: dict[int, int] = {}
    for draft in drafts:
        year = draft.issue_date.year
        counters[year] = counters.get(year, 0) + 1
        draft.invoice.number = f"{prefix}{year}-{counters[year]:05d}"
    return drafts


def ledger_build(
    rng: random.Random,
    demo_customers: list[DemoCustomer],
    *,
    as_of: dt.date,
    default_terms: tuple[str, int],
) -> LedgerPlan:
    """Build the whole ledger as of ``as_of`` for customers that are already saved."""
    payments = _Payments()
    invoices: list[_Draft] = []
    credit_notes: list[_Draft] = []
    for dc in demo_customers:
        customer = dc.customer
        kind = customer.terms_kind or default_terms[0]
        days = customer.terms_days if customer.terms_kind else default_terms[1]
        has_orders = dc.plan.code in ("key-accounts", "public")
        paid_recently: list[tuple[Invoice, dt.date]] = []
        for issue_date in _issue_dates(rng, dc, as_of):
            draft = _Draft(
                customer=dc,
                issue_date=issue_date,
                amount=_amount_incl_tax(rng, dc.plan.amount_median),
                label=f"{rng.choice(names.PRODUCT_LINES)} - {customer.name}",
                reference=f"BC{rng.randint(100000, 999999)}" if has_orders else "",
            )
            due_date = due_date_for(issue_date, kind=kind, days=days)
            draft.invoice = Invoice(
                customer=customer,
                kind=InvoiceKind.INVOICE,
                issue_date=issue_date,
                due_date=due_date,
                amount=draft.amount,
                currency="EUR",
                label=draft.label[:255],
                reference=draft.reference,
                source=Source.DEMO,
            )
            invoices.append(draft)
            to_pay = draft.amount
            if rng.random() < CREDIT_NOTE_SHARE:
                to_pay -= _credit_note(rng, draft, as_of, credit_notes, payments)
            if rng.random() < STUCK_SHARE or to_pay <= 0:
                continue
            pay_day = max(
                due_date + dt.timedelta(days=_lateness(rng, dc.profile)),
                issue_date + dt.timedelta(days=2),
            )
            if has_orders:
                pay_day = _payment_run(pay_day)
            if rng.random() < PARTIAL_SHARE:
                first = to_cents(to_pay * Decimal(rng.randint(30, 70)) / 100)
                if pay_day <= as_of:
                    payments.pay(dc, draft.invoice, first, pay_day)
                    to_pay -= first
                pay_day += dt.timedelta(days=rng.randint(15, 60))
            if pay_day <= as_of:
                payments.pay(dc, draft.invoice, to_pay, pay_day)
                paid_recently.append((draft.invoice, pay_day))
        if dc.overpays and paid_recently:
            _overpay(rng, dc, paid_recently[-3:], as_of, payments)
    plan = LedgerPlan()
    plan.invoices = [d.invoice for d in _numbered(invoices, "FA")]
    plan.invoices += [d.invoice for d in _numbered(credit_notes, "AV")]
    plan.payments = payments.ordered()
    plan.allocations = payments.allocations
    _settle(plan)
    return plan


def _credit_note(rng, draft: _Draft, as_of, credit_notes, payments) -> Decimal:
    """Issue a credit note against ``draft``'s invoice; return what it takes off the invoice."""
    issue_date = draft.issue_date + dt.timedelta(days=rng.randint(3, 40))
    if issue_date > as_of:
        return ZERO
    share = Decimal(rng.choice(["0.1", "0.15", "0.25", "0.5", "1"]))
    amount = to_cents(draft.amount * share)
    customer = draft.customer.customer
    note = Invoice(
        customer=customer,
        kind=InvoiceKind.CREDIT_NOTE,
        issue_date=issue_date,
        due_date=issue_date,
        amount=-amount,
        currency="EUR",
        label=f"Avoir sur {draft.label}"[:255],
        reference=draft.reference,
        source=Source.DEMO,
    )
    credit_notes.append(_Draft(draft.customer, issue_date, -amount, note.label, "", invoice=note))
    # Some credit notes stay open for the customer to deduct from a later payment; old ones
    # have been used by now.
    recent = issue_date > as_of - dt.timedelta(days=OPEN_CREDIT_NOTE_MAX_AGE)
    if recent and rng.random() >= CREDIT_NOTE_ALLOCATED_SHARE:
        return ZERO
    payments.allocations.append(
        Allocation(invoice=draft.invoice, credit_note=note, amount=amount, allocated_on=issue_date)
    )
    return amount


def _overpay(rng, dc: DemoCustomer, paid: list[tuple[Invoice, dt.date]], as_of, payments):
    invoice, day = rng.choice(paid)
    later = min(day + dt.timedelta(days=rng.randint(1, 12)), as_of)
    if rng.random() < 0.5:
        payments.on_account(dc, invoice.amount, later)  # paid twice
    else:
        payments.on_account(dc, Decimal(rng.choice([50, 100, 150, 500])), later)


def _settle(plan: LedgerPlan) -> None:
    """Open amounts and statuses from the allocations, as the ledger's constraints want them."""
    applied: dict[int, Decimal] = {}
    last_day: dict[int, dt.date] = {}
    for allocation in plan.allocations:
        for document in (allocation.invoice, allocation.credit_note):
            if document is None:
                continue
            key = id(document)
            applied[key] = applied.get(key, ZERO) + allocation.amount
            last_day[key] = max(last_day.get(key, allocation.allocated_on), allocation.allocated_on)
    for document in plan.invoices:
        used = applied.get(id(document), ZERO)
        if document.kind == InvoiceKind.CREDIT_NOTE:
            document.open_amount = document.amount + used
        else:
            document.open_amount = document.amount - used
        if document.open_amount == 0:
            document.status = InvoiceStatus.SETTLED
            document.settled_on = last_day[id(document)]
        else:
            document.status = InvoiceStatus.OPEN
