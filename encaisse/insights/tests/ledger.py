"""The worked example shared by the insights tests, as at 31 December 2025.

Revenue incl. tax: October 50,000, November 35,000, December 40,000 (nothing before). Owed on
31 December: 25,000 of October, all of November and December = 100,000, so the count-back DSO is
31 + 30 + 25,000 / 50,000 × 31 = 76.5 days and the ratio DSO 100,000 / 125,000 × 92 = 73.6 days.
Overdue: October's 25,000 (due 15 November) and November's 35,000 (due 10 December) = 60,000,
60 % of the receivables; 6,000 of it is disputed (10 %). Of October, 10,000 was paid 10 days
late and 15,000 early: 10,000 × 10 / 25,000 = 4.0 average days late."""

import datetime as dt

from encaisse.customers.models import Segment
from encaisse.disputes.tests.factories import open_dispute
from encaisse.receivables.choices import InvoiceStatus
from encaisse.receivables.tests.factories import make_customer, make_invoice

AS_OF = dt.date(2025, 12, 31)


def worked_ledger(collector=None):
    key = Segment.objects.create(code="key", name="Grands comptes")
    dupont = make_customer("C1", "Dupont SA", segment=key, collector=collector)
    martin = make_customer("C2", "Martin SARL")
    october, due_october = dt.date(2025, 10, 16), dt.date(2025, 11, 15)
    make_invoice(dupont, "F-OCT-1", "25000.00", issued=october, due=due_october)
    make_invoice(
        martin,
        "F-OCT-2",
        "10000.00",
        open_amount="0",
        issued=october,
        due=due_october,
        status=InvoiceStatus.SETTLED,
        settled_on=dt.date(2025, 11, 25),
    )
    make_invoice(
        martin,
        "F-OCT-3",
        "15000.00",
        open_amount="0",
        issued=october,
        due=due_october,
        status=InvoiceStatus.SETTLED,
        settled_on=dt.date(2025, 11, 10),
    )
    november = make_invoice(
        martin, "F-NOV-1", "35000.00", issued=dt.date(2025, 11, 10), due=dt.date(2025, 12, 10)
    )
    make_invoice(
        dupont, "F-DEC-1", "40000.00", issued=dt.date(2025, 12, 5), due=dt.date(2026, 1, 4)
    )
    open_dispute(customer=martin, lines=[(november, "6000.00")], raised_on=dt.date(2025, 12, 12))
    return {"dupont": dupont, "martin": martin, "segment": key, "november": november}
