"""Two users registering disputes at the same moment never get the same number.

On PostgreSQL the counter row's lock serialises the creations; the test makes the transactions
overlap on purpose (each holds its number until every thread has taken one or waits on the
lock). SQLite serialises writers by design and its test database is not shared between
threads, so this runs on PostgreSQL only (CI runs the suite on both)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from encaisse.disputes.models import DisputeCounter
from encaisse.disputes.services.numbering import next_number

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]

THREADS = 6


def _take_numbers(year: int) -> list[str]:
    numbers, errors = [], []
    start = threading.Barrier(THREADS)

    def work():
        try:
            start.wait()
            with transaction.atomic():
                number = next_number(year)
                time.sleep(0.05)  # hold the lock while the others try
            numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return numbers


def test_it_gives_concurrent_creations_distinct_numbers():
    DisputeCounter.objects.create(year=2026, last=41)
    numbers = _take_numbers(2026)
    assert sorted(numbers) == [f"LIT-2026-{n:05d}" for n in range(42, 42 + THREADS)]


def test_it_gives_distinct_numbers_when_the_year_starts_with_concurrent_creations():
    numbers = _take_numbers(2031)
    assert sorted(numbers) == [f"LIT-2031-{n:05d}" for n in range(1, 1 + THREADS)]
    assert DisputeCounter.objects.get(year=2031).last == THREADS
