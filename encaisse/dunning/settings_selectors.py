"""Reads behind the dunning settings and runs pages and their API: scenarios with their steps
and segments, runs and their actions, the rate table, and a customer's penalties.

Everything here is ledger data: a user without VIEW_LEDGER gets nothing (404 from the
``access_*`` helpers, empty lists otherwise)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from encaisse.accounts.capabilities import VIEW_LEDGER, has_capability
from encaisse.core.money import ZERO
from encaisse.customers.models import Segment
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from .choices import RateKind
from .models import (
    Action,
    ActionInvoice,
    CustomerDunningProfile,
    ReferenceRate,
    Run,
    Scenario,
    SegmentScenario,
    Step,
)
from .penalties import MissingRate, invoice_penalties
from .selectors import legal_interest_floor, reference_rates


def _visible(user) -> bool:
    return has_capability(user, VIEW_LEDGER)


# Scenarios ------------------------------------------------------------------------------------


def scenario_list(*, user) -> QuerySet:
    """Scenarios, default first, with their steps in offset order and the segments using them."""
    if not _visible(user):
        return Scenario.objects.none()
    return Scenario.objects.order_by("-is_default", "-active", "name").prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("offset_days")),
        Prefetch("segments", queryset=SegmentScenario.objects.select_related("segment")),
    )


def access_scenario(user, scenario_id: int) -> Scenario:
    scenario = scenario_list(user=user).filter(pk=scenario_id).first()
    if scenario is None:
        raise Http404("no such scenario")
    return scenario


def segment_mapping() -> list[tuple[Segment, Scenario | None]]:
    """Every segment with its scenario (None: the default one)."""
    mapped = dict(
        SegmentScenario.objects.select_related("scenario").values_list("segment_id", "scenario")
    )
    scenarios = Scenario.objects.in_bulk(set(mapped.values()))
    return [
        (segment, scenarios.get(mapped.get(segment.pk)))
        for segment in Segment.objects.order_by("name")
    ]


@dataclass
class CustomerScenario:
    """Which scenario a customer follows, and why."""

    scenario: Scenario | None
    source: str  # "customer", "segment", "default" or "none"
    profile: CustomerDunningProfile | None


def customer_scenario(customer) -> CustomerScenario:
    """The run's rule: the customer's own scenario, else its segment's, else the default."""
    profile = (
        CustomerDunningProfile.objects.select_related("scenario").filter(customer=customer).first()
    )
    if profile is not None and profile.scenario is not None:
        return CustomerScenario(profile.scenario, "customer", profile)
    if customer.segment_id:
        mapping = (
            SegmentScenario.objects.select_related("scenario")
            .filter(segment_id=customer.segment_id)
            .first()
        )
        if mapping is not None:
            return CustomerScenario(mapping.scenario, "segment", profile)
    default = Scenario.objects.filter(is_default=True).first()
    return CustomerScenario(default, "default" if default else "none", profile)


# Runs -----------------------------------------------------------------------------------------


def run_list(*, user) -> QuerySet:
    if not _visible(user):
        return Run.objects.none()
    return Run.objects.select_related("triggered_by").order_by("-started_at", "-id")


def access_run(user, run_id: int) -> Run:
    run = run_list(user=user).filter(pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


def run_actions(run: Run) -> QuerySet:
    """A run's actions in customer order, with their customer, step and invoice lines."""
    return (
        Action.objects.filter(run=run)
        .select_related("customer", "step", "assigned_to")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ActionInvoice.objects.select_related("invoice").order_by(
                    "invoice__due_date", "invoice__number"
                ),
            )
        )
        .order_by("customer__code", "channel", "pk")
    )


# Rates ----------------------------------------------------------------------------------------


def rate_table(*, user) -> list[dict]:
    """One row per half-year: its ECB rate, the L441-10 default (ECB + 10), and the legal
    interest rates, each with its stored row (for editing) or None."""
    if not _visible(user):
        return []
    rows: dict[dt.date, dict] = {}
    for rate in ReferenceRate.objects.order_by("-starts_on", "kind"):
        row = rows.setdefault(rate.starts_on, {"starts_on": rate.starts_on})
        row[rate.kind] = rate
    table = []
    for starts_on in sorted(rows, reverse=True):
        row = rows[starts_on]
        ecb = row.get(RateKind.ECB_MRO)
        row["legal_penalty_rate"] = None if ecb is None else ecb.rate + 10
        row["cells"] = [row.get(kind) for kind in RateKind.values]
        table.append(row)
    return table


# Penalties ------------------------------------------------------------------------------------


@dataclass
class InvoicePenaltyLine:
    invoice: Invoice
    days_late: int
    rate: Decimal | None  # None when the rate changes within the delay: see periods
    periods: list
    interest: Decimal
    indemnity: Decimal
    total: Decimal


@dataclass
class CustomerPenalties:
    as_of: dt.date
    contractual_rate: Decimal | None
    below_floor: bool
    lines: list[InvoicePenaltyLine] = field(default_factory=list)
    missing_rate: dt.date | None = None  # a half-year the table lacks: nothing is computed
    open_amount: Decimal = ZERO
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO
    total: Decimal = ZERO


def customer_penalties(*, customer, as_of: dt.date) -> CustomerPenalties:
    """The late-payment penalties a customer owes on ``as_of``: per overdue open invoice, the
    days late, the rate (contractual, or ECB + 10 points per half-year), the interest on its
    open amount and the 40 euro indemnity; and the totals. Two queries for the rates and the
    profile, one for the invoices."""
    profile_rate = (
        CustomerDunningProfile.objects.filter(customer=customer)
        .values_list("penalty_rate", flat=True)
        .first()
    )
    floor = legal_interest_floor(as_of) if profile_rate is not None else None
    result = CustomerPenalties(
        as_of=as_of,
        contractual_rate=profile_rate,
        below_floor=floor is not None and profile_rate < floor,
    )
    invoices = Invoice.objects.filter(
        customer=customer,
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.OPEN,
        due_date__lt=as_of,
        open_amount__gt=0,
    ).order_by("due_date", "number")
    ecb = reference_rates()
    lines = []
    try:
        for invoice in invoices:
            penalties = invoice_penalties(
                amount=invoice.open_amount,
                due_date=invoice.due_date,
                until=as_of,
                ecb_rates=ecb,
                contractual_rate=profile_rate,
            )
            rates = {period.rate for period in penalties.periods}
            lines.append(
                InvoicePenaltyLine(
                    invoice=invoice,
                    days_late=penalties.days_late,
                    rate=rates.pop() if len(rates) == 1 else None,
                    periods=penalties.periods,
                    interest=penalties.interest,
                    indemnity=penalties.indemnity,
                    total=penalties.total,
                )
            )
    except MissingRate as missing:
        result.missing_rate = missing.half_year
        return result
    result.lines = lines
    result.open_amount = sum((line.invoice.open_amount for line in lines), ZERO)
    result.interest = sum((line.interest for line in lines), ZERO)
    result.indemnity = sum((line.indemnity for line in lines), ZERO)
    result.total = result.interest + result.indemnity
    return result
