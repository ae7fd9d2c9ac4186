"""The worked example of the customer risk tests, dated relative to ``as_of`` (30 June 2026 in
the selector tests, today in the page tests).

Risky SARL (credit limit 10,000) owes 5,000 + 7,000 = 12,000: 120.0 % of its limit, over it.
Settled in the last 12 months: 1,000 paid 20 days late (last 3 months), 3,000 paid 4 days late
and 1,000 paid early (the 3 months before), 2,000 paid 10 days late (8 months ago):
(1,000 × 20 + 3,000 × 4 + 2,000 × 10) / 7,000 = 7.43 -> 7.4 days; last 3 months 20.0, the 3
before 3,000 × 4 / 4,000 = 3.0, trend +17.0. An invoice settled 13 months ago is left out.
Six invoices issued in 12 months (19,000) and two disputes (600 + 1,300 = 1,900): a dispute
rate of 33.3 % and 10.0 % of the amount. Two promises broken in 12 months (one 13 months ago
and one kept do not count). Abuse score 72, flagged.

Calm SA (limit 50,000) owes 5,000 (10.0 %), has one invoice and no dispute (0.0 %) and no
settled invoice (no days late). Paid Up SAS owes nothing: not listed."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from encaisse.customers.models import Segment
from encaisse.disputes.models_abuse import AbuseScore
from encaisse.disputes.tests.factories import open_dispute
from encaisse.dunning.choices import PromiseStatus
from encaisse.dunning.models import PromiseToPay
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.services.balances import customer_balances_refresh
from encaisse.receivables.tests.factories import make_customer, make_invoice

AS_OF = dt.date(2026, 6, 30)


def _settled(customer, number, amount, *, due, paid):
    return make_invoice(
        customer,
        number,
        amount,
        open_amount="0",
        issued=due - dt.timedelta(days=30),
        due=due,
        status=InvoiceStatus.SETTLED,
        settled_on=paid,
    )


def _promise(customer, status, resolved_on):
    PromiseToPay.objects.create(
        customer=customer,
        amount=Decimal("500"),
        promised_on=resolved_on - dt.timedelta(days=4),
        channel="call",
        status=status,
        resolved_on=resolved_on,
    )


def risk_ledger(as_of=AS_OF, collector=None):
    def ago(days):
        return as_of - dt.timedelta(days=days)

    smes = Segment.objects.create(code="risk-sme", name="PME à risque")
    risky = make_customer(
        "R1", "Risky SARL", credit_limit=Decimal("10000"), segment=smes, collector=collector
    )
    calm = make_customer("R2", "Calm SA", credit_limit=Decimal("50000"))
    paid_up = make_customer("R3", "Paid Up SAS", credit_limit=Decimal("1000"))
    _settled(risky, "S1", "1000.00", due=ago(81), paid=ago(61))  # 20 days late, last 3 months
    _settled(risky, "S2", "3000.00", due=ago(171), paid=ago(167))  # 4 days late, 3 months before
    _settled(risky, "S3", "1000.00", due=ago(140), paid=ago(145))  # early
    _settled(risky, "S4", "2000.00", due=ago(250), paid=ago(240))  # 10 days late, 8 months ago
    old = _settled(risky, "OLD", "800.00", due=ago(420), paid=ago(400))
    old.issue_date = ago(460)
    old.save()
    first = make_invoice(risky, "O1", "5000.00", issued=ago(60), due=ago(30))
    second = make_invoice(risky, "O2", "7000.00", issued=ago(20), due=as_of + dt.timedelta(10))
    make_invoice(calm, "O3", "5000.00", issued=ago(20), due=as_of + dt.timedelta(10))
    open_dispute(customer=risky, lines=[(first, "600.00")], raised_on=ago(29))
    open_dispute(customer=risky, lines=[(second, "1300.00")], raised_on=ago(10))
    _promise(risky, PromiseStatus.BROKEN, ago(100))
    _promise(risky, PromiseStatus.BROKEN, ago(5))
    _promise(risky, PromiseStatus.BROKEN, ago(400))
    _promise(risky, PromiseStatus.KEPT, ago(50))
    AbuseScore.objects.create(
        customer=risky,
        score=72,
        flagged=True,
        disputes=2,
        computed_at=timezone.now(),
        as_of=as_of,
    )
    customer_balances_refresh(as_of=as_of)
    return {"risky": risky, "calm": calm, "paid_up": paid_up, "segment": smes}
