"""Dispute numbers: LIT-<year>-<5 digits>, a new sequence each year.

The counter row is incremented by a single UPDATE inside the caller's transaction: on
PostgreSQL the row lock makes a concurrent creation wait for this one to commit, on SQLite
writers are serialised (IMMEDIATE transactions). A rolled-back creation gives its number back,
and a number skipped for any other reason is harmless: numbers are unique, not contiguous."""

from django.db import IntegrityError, transaction
from django.db.models import F

from ..models import DisputeCounter

PREFIX = "LIT"


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:05d}"


def next_number(year: int) -> str:
    """Take the next number of ``year``. Call inside the transaction that creates the
    dispute."""
    if not DisputeCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                DisputeCounter.objects.create(year=year, last=1)
        except IntegrityError:
            # Another transaction created the year's row first: take the next number.
            DisputeCounter.objects.filter(year=year).update(last=F("last") + 1)
        else:
            return format_number(year, 1)
    return format_number(year, DisputeCounter.objects.get(year=year).last)
