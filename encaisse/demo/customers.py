"""Demo customers and contacts, each with a payer profile that drives their payments.

The profile is not stored: it only shapes the ledger (``demo.ledger``), the way a real
customer's habits show in its history and nowhere else."""

import random
from dataclasses import dataclass
from decimal import Decimal

from encaisse.core.dates import TermsKind
from encaisse.customers.models import Contact, Customer, Segment

from . import names
from .identifiers import UniqueSirens, siret_make, vat_number_make


class Profile:
    GOOD = "good"  # pays on time, give or take a few days
    SLOW = "slow"  # 10 to 30 days late
    CHRONIC = "chronic"  # 40 to 120 days late


@dataclass(frozen=True)
class SegmentPlan:
    code: str
    share: float  # of all customers
    invoices_per_month: float
    amount_median: float  # invoice amount excluding tax, in euros
    profiles: tuple[float, float, float]  # weights of good, slow, chronic


SEGMENT_PLANS = [
    SegmentPlan("key-accounts", 0.08, 5.0, 9000, (0.55, 0.35, 0.10)),
    SegmentPlan("sme", 0.50, 1.2, 1800, (0.55, 0.28, 0.17)),
    SegmentPlan("public", 0.12, 1.5, 3500, (0.30, 0.55, 0.15)),
    SegmentPlan("retail", 0.30, 1.0, 650, (0.60, 0.22, 0.18)),
]

# (kind, days, weight): the payment terms customers negotiated; None means the company default.
TERMS_MIX = [
    (None, None, 0.20),
    (TermsKind.NET, 30, 0.30),
    (TermsKind.END_OF_MONTH, 45, 0.20),
    (TermsKind.NET, 60, 0.15),
    (TermsKind.END_OF_MONTH_THEN, 30, 0.10),
    (TermsKind.NET, 45, 0.05),
]

# How each segment pays, with weights: data as a French ERP would export it.
PAYMENT_METHODS = {
    "key-accounts": [("virement", 0.85), ("LCR", 0.15)],
    "sme": [("virement", 0.65), ("chèque", 0.15), ("LCR", 0.10), ("prélèvement", 0.10)],
    "public": [("virement", 1.0)],
    "retail": [("virement", 0.45), ("chèque", 0.35), ("prélèvement", 0.20)],
}


@dataclass
class DemoCustomer:
    customer: Customer
    plan: SegmentPlan
    profile: str
    overpays: bool  # leaves cash on account now and then
    first_month: int  # months before the as-of date its first invoice may come
    payment_method: str


def _company_name(rng: random.Random, plan: SegmentPlan, city: str) -> tuple[str, str]:
    """A name and a legal form in the style of the segment."""
    _, words = rng.choice(names.SECTORS)
    if plan.code == "public":
        return rng.choice(names.PUBLIC_BODIES).format(city=city), ""
    if plan.code == "retail":
        shop = rng.choice(names.RETAIL_SHOPS)
        who = rng.choice(names.LAST_NAMES) if rng.random() < 0.6 else rng.choice(names.CITIES)[0]
        return f"{shop} {who}", rng.choice(["SARL", "EURL", "SAS", "SARL"])
    if plan.code == "key-accounts":
        prefix = rng.choice(names.KEY_ACCOUNT_PREFIXES)
        core = rng.choice(names.INVENTED_WORDS)
        return f"{prefix} {core} {rng.choice(words)}", rng.choice(names.LEGAL_FORMS_KEY_ACCOUNTS)
    style = rng.random()
    word = rng.choice(words)
    if style < 0.4:
        name = f"{word} {rng.choice(names.LAST_NAMES)}"
    elif style < 0.7:
        name = f"{word} {rng.choice(names.PLACE_WORDS)}"
    elif style < 0.9:
        name = f"{rng.choice(names.INVENTED_WORDS)} {word}"
    else:
        a, b = rng.sample(names.LAST_NAMES, 2)
        name = f"{word} {a} et {b}"
    return name, rng.choice(names.LEGAL_FORMS_PRIVATE)


def _phone(rng: random.Random, area: int, *, mobile: bool = False) -> str:
    prefix = names.FICTION_MOBILE_PREFIX if mobile else names.FICTION_PHONE_PREFIX[area]
    return f"{prefix} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def customers_build(
    rng: random.Random, *, count: int, collectors: list, salespeople: list, manager
) -> list[DemoCustomer]:
    """Unsaved customers, in code order, with their segment plan and payer profile."""
    segments = {s.code: s for s in Segment.objects.all()}
    sirens = UniqueSirens(rng)
    plans = [p for p in SEGMENT_PLANS if p.code in segments]
    built = []
    for index in range(1, count + 1):
        plan = _weighted(rng, plans, [p.share for p in plans])
        city, postal_code, area = rng.choice(names.CITIES)
        name, legal_form = _company_name(rng, plan, city)
        full_name = f"{name} {legal_form}".strip()
        siren = sirens.next(public=plan.code == "public")
        terms_kind, terms_days, _ = _weighted(rng, TERMS_MIX, [t[2] for t in TERMS_MIX])
        if plan.code == "public":
            # Public buyers pay at 30 days by law (délai global de paiement).
            terms_kind, terms_days = TermsKind.NET, 30
        profile = _weighted(rng, [Profile.GOOD, Profile.SLOW, Profile.CHRONIC], plan.profiles)
        domain = f"{names.slug(name)}.example.com"
        if plan.code == "key-accounts":
            collector = manager if rng.random() < 0.3 else collectors[0]
        else:
            collector = collectors[index % len(collectors)]
        customer = Customer(
            code=f"C{index:05d}",
            name=full_name,
            siren=siren,
            siret=siret_make(rng, siren),
            vat_number=vat_number_make(siren),
            segment=segments[plan.code],
            collector=collector if rng.random() < 0.95 else None,
            salesperson=rng.choice(salespeople) if plan.code != "public" else salespeople[0],
            terms_kind=terms_kind or "",
            terms_days=terms_days,
            email=f"comptabilite@{domain}",
            phone=_phone(rng, area),
            address=f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}",
            postal_code=postal_code,
            city=city,
            credit_limit=_credit_limit(rng, plan),
            on_hold=profile == Profile.CHRONIC and rng.random() < 0.15,
        )
        built.append(
            DemoCustomer(
                customer=customer,
                plan=plan,
                profile=profile,
                overpays=rng.random() < 0.05,
                # Most customers were there 18 months ago; some arrived since.
                first_month=18 if rng.random() < 0.85 else rng.randint(2, 17),
                payment_method=_weighted(rng, *zip(*PAYMENT_METHODS[plan.code], strict=True)),
            )
        )
    return built


def _credit_limit(rng: random.Random, plan: SegmentPlan):
    if plan.code == "public" or rng.random() < 0.3:
        return None
    return Decimal(int(plan.amount_median * plan.invoices_per_month * rng.choice([2, 3, 4, 6])))


def contacts_build(rng: random.Random, demo_customers: list[DemoCustomer]) -> list[Contact]:
    """One billing contact per customer, and zero to two others (finance, purchasing...)."""
    contacts = []
    for dc in demo_customers:
        customer = dc.customer
        area = next(a for c, p, a in names.CITIES if p == customer.postal_code)
        domain = customer.email.split("@", 1)[1]
        public = dc.plan.code == "public"
        first, last = _person(rng)
        billing_title = rng.choice(names.PUBLIC_BILLING_TITLES if public else names.BILLING_TITLES)
        contacts.append(
            Contact(
                customer=customer,
                name=f"{first} {last}",
                job_title=billing_title,
                email=customer.email
                if rng.random() < 0.5
                else f"{names.slug(first)}.{names.slug(last)}@{domain}",
                phone=customer.phone,
                is_billing_contact=True,
            )
        )
        for _ in range(rng.choice([0, 1, 1, 2])):
            first, last = _person(rng)
            contacts.append(
                Contact(
                    customer=customer,
                    name=f"{first} {last}",
                    job_title=rng.choice(names.OTHER_TITLES),
                    email=f"{names.slug(first)}.{names.slug(last)}@{domain}",
                    phone=_phone(rng, area),
                    mobile=_phone(rng, area, mobile=True) if rng.random() < 0.6 else "",
                )
            )
    return contacts
