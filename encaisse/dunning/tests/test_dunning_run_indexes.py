"""A large run sets the indexes of its bulk tables aside and builds them again as they were
(``services/run_indexes.py``); an ordinary day keeps them. The run's results under both are
compared scenario by scenario in test_dunning_run_generate.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from encaisse.dunning.models import Action, ActionInvoice, InvoiceDunningState
from encaisse.dunning.services import dunning_run_generate, run_indexes

from .factories import day, make_customer, make_invoice, make_scenario

pytestmark = pytest.mark.django_db
TABLES = ("dunning_action", "dunning_actioninvoice", "dunning_invoicedunningstate")


def _indexes() -> dict:
    """Every index of the three tables, by name, with its definition (and, on PostgreSQL,
    the constraint it backs)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
                          COALESCE(pg_get_constraintdef(con.oid), '')
                   FROM pg_index i
                   LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
                       AND con.conrelid = i.indrelid
                   WHERE i.indrelid::regclass::text = ANY(%s)""",
                [list(TABLES)],
            )
        else:
            cursor.execute(
                "SELECT name, sql, tbl_name FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name IN (%s, %s, %s)",
                TABLES,
            )
        return {name: rest for name, *rest in cursor.fetchall()}


@pytest.fixture
def ledger():
    make_scenario()
    for n in range(3):
        customer = make_customer(f"C{n}", f"Customer {n}")
        make_invoice(customer, f"F{n}", "1000.00", due=day("2026-03-10"))


def _dropped(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith(("DROP INDEX", "ALTER TABLE")))


def test_it_builds_the_indexes_again_as_they_were_after_a_large_run(ledger, monkeypatch):
    monkeypatch.setattr(run_indexes, "SET_ASIDE_MIN_ROWS", 3)
    before = _indexes()
    with CaptureQueriesContext(connection) as queries:
        result = dunning_run_generate(as_of=day("2026-04-20"))
    assert _dropped(queries.captured_queries) > 0
    assert _indexes() == before
    assert result.run.actions_created == 3 == Action.objects.count()
    assert ActionInvoice.objects.count() == 3 == InvoiceDunningState.objects.count()


def test_it_leaves_the_indexes_as_they_were_after_a_dry_run(ledger, monkeypatch):
    monkeypatch.setattr(run_indexes, "SET_ASIDE_MIN_ROWS", 3)
    before = _indexes()
    preview = dunning_run_generate(as_of=day("2026-04-20"), dry_run=True)
    assert preview.run.actions_created == 3 and not Action.objects.exists()
    assert _indexes() == before


def test_it_keeps_the_indexes_of_a_run_smaller_than_the_threshold(ledger, monkeypatch):
    monkeypatch.setattr(run_indexes, "SET_ASIDE_MIN_ROWS", 4)
    with CaptureQueriesContext(connection) as queries:
        dunning_run_generate(as_of=day("2026-04-20"))
    assert _dropped(queries.captured_queries) == 0


def test_it_keeps_the_indexes_when_the_tables_already_hold_more_than_the_run_adds(
    ledger, monkeypatch
):
    monkeypatch.setattr(run_indexes, "SET_ASIDE_MIN_ROWS", 1)
    dunning_run_generate(as_of=day("2026-03-15"))  # three lines
    customer = make_customer("C9", "Late")
    make_invoice(customer, "F9", "1000.00", due=day("2026-03-10"))
    with CaptureQueriesContext(connection) as queries:
        result = dunning_run_generate(as_of=day("2026-03-16"))  # one more line
    assert result.run.invoices_dunned == 1
    assert _dropped(queries.captured_queries) == 0


def test_it_keeps_in_place_only_indexes_that_exist():
    assert run_indexes.KEPT_IN_PLACE <= set(_indexes())
