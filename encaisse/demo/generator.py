"""Load the demo company into the database: ``demo_load`` is what ``encaisse demo`` calls.

This is seed data, so it writes models in bulk directly instead of going through the ledger's
services one invoice at a time: about 8,000 invoices, 7,000 payments and their allocations are
built in memory, checked against the ledger's rules, and saved with ``bulk_create`` in one
transaction, which keeps ``make demo`` to a few seconds. The balances are then refreshed by the
same service the importer uses, and one audit row records the load."""

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from django.db import transaction

from encaisse.audit.services import audit_record
from encaisse.company.selectors import company_get
from encaisse.core.dates import TermsKind, today
from encaisse.customers.models import Contact, Customer
from encaisse.disputes.services import abuse_scores_refresh
from encaisse.imports.models import ImportBatch
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Allocation, Invoice, Payment
from encaisse.receivables.services import customer_balances_refresh

from .customers import contacts_build, customers_build
from .disputes import disputes_build, disputes_wipe
from .dunning import dunning_history_build
from .identifiers import siren_make, vat_number_make
from .ledger import ledger_build
from .people import DEMO_USERS, demo_users_ensure
from .preventive import preventive_actions_build

DEFAULT_CUSTOMERS = 300
DEFAULT_SEED = 2024
BATCH_SIZE = 1000


class DemoRefused(Exception):
    """The database already holds a ledger and the caller did not ask to replace it."""


@dataclass(frozen=True)
class DemoSummary:
    as_of: dt.date
    seed: int
    customers: int
    contacts: int
    invoices: int
    credit_notes: int
    open_invoices: int
    payments: int
    allocations: int
    users: list[str]
    disputes: int = 0
    planted_abusive: list[str] = field(default_factory=list)  # customer codes (ground truth)
    honest_disputers: list[str] = field(default_factory=list)


def ledger_wipe() -> None:
    """Delete the customers and everything hanging off them (the ledger tables), children first.

    Users, the company settings and the audit trail stay."""
    disputes_wipe()
    Allocation.objects.all().delete()
    Payment.objects.all().delete()
    Invoice.objects.all().delete()
    ImportBatch.objects.all().delete()
    Contact.objects.all().delete()
    Customer.objects.all().delete()


def _company_setup(rng: random.Random):
    company = company_get()
    siren = siren_make(rng)
    company.name = "Armor Équipements Industriels"
    company.legal_form = "SAS"
    company.siren = siren
    company.vat_number = vat_number_make(siren)
    company.address = "12 rue de l'Industrie\n35000 Rennes"
    company.email = "comptabilite@armor-equipements.example.com"
    company.phone = "02 61 91 40 12"
    company.currency = "EUR"
    company.default_terms_kind = TermsKind.NET
    company.default_terms_days = 30
    company.save()
    return company


@transaction.atomic
def demo_load(
    *,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    reset: bool = False,
) -> DemoSummary:
    """Create the demo company, its users, ``customers`` customers and their ledger as of
    ``as_of`` (default today). The same seed and date give the same data.

    Refuses (DemoRefused) when customers exist, unless ``reset``: then the ledger is wiped."""
    as_of = as_of or today()
    if Customer.objects.exists():
        if not reset:
            raise DemoRefused(
                "The database already has customers. Use --reset to replace them with the demo."
            )
        ledger_wipe()
    rng = random.Random(seed)
    company = _company_setup(rng)
    users = demo_users_ensure()
    collectors = [users["collector"], users["collector2"]]
    salespeople = [users["sales"], users["sales2"]]
    demo_customers = customers_build(
        rng,
        count=customers,
        collectors=collectors,
        salespeople=salespeople,
        manager=users["manager"],
    )
    Customer.objects.bulk_create([dc.customer for dc in demo_customers], batch_size=BATCH_SIZE)
    contacts = contacts_build(rng, demo_customers)
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
    plan = ledger_build(
        rng,
        demo_customers,
        as_of=as_of,
        default_terms=(company.default_terms_kind, company.default_terms_days),
    )
    Invoice.objects.bulk_create(plan.invoices, batch_size=BATCH_SIZE)
    Payment.objects.bulk_create(plan.payments, batch_size=BATCH_SIZE)
    Allocation.objects.bulk_create(plan.allocations, batch_size=BATCH_SIZE)
    customer_balances_refresh(as_of=as_of)
    dunning_history_build(seed=seed, as_of=as_of, users=users)
    planted = disputes_build(seed=seed, as_of=as_of, users=users)
    preventive_actions_build(as_of=as_of, users=users)
    abuse_scores_refresh(as_of=as_of)
    summary = DemoSummary(
        as_of=as_of,
        seed=seed,
        customers=len(demo_customers),
        contacts=len(contacts),
        invoices=sum(1 for i in plan.invoices if i.kind == InvoiceKind.INVOICE),
        credit_notes=sum(1 for i in plan.invoices if i.kind == InvoiceKind.CREDIT_NOTE),
        open_invoices=sum(1 for i in plan.invoices if i.status == InvoiceStatus.OPEN),
        payments=len(plan.payments),
        allocations=len(plan.allocations),
        users=[u.username for u in DEMO_USERS],
        disputes=planted.disputes,
        planted_abusive=planted.abusive,
        honest_disputers=planted.honest,
    )
    audit_record(
        actor=None,
        action="demo_load",
        instance=company,
        changes={
            "seed": seed,
            "as_of": as_of.isoformat(),
            "customers": summary.customers,
            "invoices": summary.invoices,
        },
        label="encaisse demo",
    )
    return summary


def ledger_digest() -> str:
    """A SHA-256 over every invoice and payment by business key, to compare two demo runs
    (database ids differ between runs; numbers, codes and amounts must not)."""
    digest = hashlib.sha256()
    rows = Invoice.objects.order_by("kind", "number").values_list(
        "kind",
        "number",
        "customer__code",
        "issue_date",
        "due_date",
        "amount",
        "open_amount",
        "status",
        "settled_on",
        "label",
        "reference",
    )
    for row in rows.iterator(chunk_size=2000):
        digest.update(repr(row).encode())
    payments = Payment.objects.order_by("reference").values_list(
        "reference", "customer__code", "received_on", "amount", "unallocated_amount", "method"
    )
    for row in payments.iterator(chunk_size=2000):
        digest.update(repr(row).encode())
    customers = Customer.objects.order_by("code").values_list(
        "code",
        "name",
        "siren",
        "siret",
        "vat_number",
        "segment__code",
        "collector__username",
        "terms_kind",
        "terms_days",
        "email",
        "open_balance",
        "overdue_balance",
    )
    for row in customers.iterator(chunk_size=2000):
        digest.update(repr(row).encode())
    return digest.hexdigest()
