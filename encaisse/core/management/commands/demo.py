"""``encaisse demo``: load the demo company, then print the logins and the address to open.

``make demo`` runs it after the migrations. The work is in ``encaisse.demo.generator``."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from encaisse.accounts.choices import Role
from encaisse.accounts.models import User
from encaisse.customers.models import Customer
from encaisse.demo.disputes import flagged_measure
from encaisse.demo.generator import DEFAULT_CUSTOMERS, DEFAULT_SEED, DemoRefused, demo_load
from encaisse.demo.people import DEMO_PASSWORD, DEMO_USERS

URL = "http://127.0.0.1:8000"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: expected a date as YYYY-MM-DD, found {text!r}")


class Command(BaseCommand):
    help = "Load a realistic French demo company: customers, 18 months of invoices, users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, default=DEFAULT_CUSTOMERS, help="How many customers."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Same seed, same data.")
        parser.add_argument(
            "--as-of", type=_date, default=None, help="The date the ledger stands at (today)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the customers and ledger already in the database.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="When the database already has customers, keep them and only print the logins "
            "(for make demo, run again).",
        )

    def handle(self, *args, customers, seed, as_of, reset, if_empty, **options):
        if customers < 1:
            raise CommandError("--customers: expected a number of customers of 1 or more.")
        if if_empty and not reset and Customer.objects.exists():
            self.stdout.write(
                "The database already has customers: they are kept (--reset replaces them)."
            )
            self._print_logins()
            return
        started = time.perf_counter()
        try:
            summary = demo_load(customers=customers, seed=seed, as_of=as_of, reset=reset)
        except DemoRefused as error:
            raise CommandError(str(error))
        elapsed = time.perf_counter() - started
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Demo company loaded in {elapsed:.1f} s (seed {summary.seed}, "
                f"as of {summary.as_of:%Y-%m-%d}):"
            )
        )
        out.write(
            f"  {summary.customers} customers, {summary.contacts} contacts, "
            f"{summary.invoices} invoices ({summary.open_invoices} documents open), "
            f"{summary.credit_notes} credit notes, {summary.payments} payments"
        )
        measure = flagged_measure(summary.planted_abusive)
        out.write(
            f"  {summary.disputes} disputes; {len(measure.flagged)} customers flagged for false "
            f"disputes (precision {measure.precision:.0%}, recall {measure.recall:.0%} against "
            f"the {len(summary.planted_abusive)} planted: {', '.join(summary.planted_abusive)})"
        )
        self._print_logins()

    def _print_logins(self):
        out = self.stdout
        out.write("")
        out.write(f"Open {URL} and log in with one of these (password: {DEMO_PASSWORD}):")
        labels = dict(Role.choices)
        existing = set(User.objects.values_list("username", flat=True))
        for user in DEMO_USERS:
            if user.username not in existing:
                continue
            role = str(labels[user.role])
            if user.department:
                role += f" ({user.department})"
            out.write(f"  {user.username:<12} {DEMO_PASSWORD:<6} {role}")
        out.write("")
