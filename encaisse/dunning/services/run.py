"""The daily dunning run: ``dunning_run_generate(as_of=...)``.

Called each morning by the worker (``tasks.daily_dunning_run``), by ``encaisse dunning run``
and, later, by the runs page and API. One transaction; a dry run does all the work, reads back
what it created, then rolls back, so the preview is exactly what a real run would create.

In order, for the run's date:

1. release blocks and holds whose end date has passed;
2. settle promises: kept as soon as their amount is paid on their invoices, partly kept or
   broken once their date plus grace days has passed; a broken or partly kept promise gets a
   high-priority call (and its invoices go back to their scenario);
3. re-anchor invoices paid in part since the run last saw them (see InvoiceDunningState);
4. for every open invoice, find the most advanced step of its customer's scenario that it has
   passed and not reached yet (catch-up fires that one step only, never each missed step),
   skip it when excluded (customer on hold or blocked, invoice held or wholly blocked,
   promise pending) or under the step's minimum amount, and create one action per customer
   and channel listing its invoices with the amount due (open amount minus blocked amounts);
5. record the step reached on each invoice, so the same day twice creates nothing new.

All of it is set-based SQL (``run_sql.py``): a handful of statements whatever the ledger size.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Min, OuterRef, Subquery, Sum
from django.utils import timezone

from encaisse.audit.services import audit_record

from ..choices import ActionSource, PromiseStatus
from ..models import Action, ActionInvoice, Block, PromiseToPay, Run, Scenario, Step
from . import run_sql as sql
from .run_indexes import indexes_set_aside, sets_aside

COUNT_FIELDS = [
    "invoices_considered",
    "invoices_dunned",
    "actions_created",
    "skipped_on_hold",
    "skipped_blocked",
    "skipped_promise",
    "skipped_threshold",
    "reanchored",
    "blocks_released",
    "promises_kept",
    "promises_partly_kept",
    "promises_broken",
]
JULIAN_DAY_OF_ORDINAL_ZERO = 1721424.5
SQLITE_CACHE_KIB = -262144  # negative: KiB
POSTGRES_WORK_MEM = "256MB"
PAYLOAD_BATCH = 5000  # rows read at a time from the payload query


@dataclass
class RunResult:
    run: Run
    actions: list[dict] = field(default_factory=list)


def dunning_run_generate(
    *,
    as_of: dt.date,
    dry_run: bool = False,
    actor=None,
    collect: bool = True,
    on_actions: Callable[[Iterator[dict]], None] | None = None,
) -> RunResult:
    """Run dunning for ``as_of``: create today's actions and move invoices along their
    scenario. Returns the Run (with its counts) and, when ``collect``, the actions it created
    (or, for a dry run, would create) as plain dicts: see ``payload_rows``.

    ``on_actions`` (the command's JSON output) receives the same actions as they are read,
    instead of a list: inside the transaction for a dry run (before it rolls back), after the
    commit for a real run, so a long output does not hold the database's write lock."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    started = timezone.now()
    with transaction.atomic():
        # Runs are serialised on the scenario rows (PostgreSQL; SQLite serialises writers).
        list(Scenario.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        run = Run.objects.create(
            as_of=as_of, dry_run=dry_run, started_at=started, triggered_by=user
        )
        counts = _generate(run_id=run.pk, as_of=as_of, now=started)
        actions = payload(run.pk, dry_run=dry_run) if collect and on_actions is None else []
        if dry_run:
            if on_actions is not None:
                on_actions(payload_rows(run.pk, dry_run=True))
            transaction.set_rollback(True)
        else:
            for name, value in counts.items():
                setattr(run, name, value)
            run.finished_at = timezone.now()
            run.save(update_fields=[*COUNT_FIELDS, "finished_at"])
            audit_record(
                actor=actor,
                action="run",
                instance=run,
                changes={name: {"from": None, "to": value} for name, value in counts.items()},
                label="" if user else "dunning run",
            )
    if dry_run:
        # The preview is recorded (who looked, what it would have done), nothing else is kept.
        run = Run.objects.create(
            as_of=as_of,
            dry_run=True,
            started_at=started,
            finished_at=timezone.now(),
            triggered_by=user,
            **counts,
        )
    elif on_actions is not None:
        on_actions(payload_rows(run.pk))
    return RunResult(run=run, actions=actions)


def _params(*, run_id: int, as_of: dt.date, now: dt.datetime) -> dict:
    ops = connection.ops
    default = Scenario.objects.filter(is_default=True, active=True).values_list("pk", flat=True)
    earliest = Step.objects.filter(scenario__active=True).aggregate(m=Min("offset_days"))["m"]
    return {
        "run_id": run_id,
        "as_of": ops.adapt_datefield_value(as_of),
        "as_of_jd": as_of.toordinal() + JULIAN_DAY_OF_ORDINAL_ZERO,
        "now": ops.adapt_datetimefield_value(now),
        "default_scenario": default.first(),
        # Invoices due after this date cannot have reached any step (offsets count from the
        # due date at most, a re-anchored invoice only falls back).
        "horizon": ops.adapt_datefield_value(as_of - dt.timedelta(days=earliest or 0)),
    }


@contextmanager
def _sqlite_cache(cursor, vendor: str):
    """A 256 MB page cache for the run on SQLite (the default is 2 MB), for the database and
    for the work tables: the run touches every open invoice and writes to large indexes;
    without it most page reads go to the OS, and the work tables to a temporary file."""
    if vendor != "sqlite":
        yield
        return
    previous = {}
    for schema in ("main", "temp"):
        cursor.execute(f"PRAGMA {schema}.cache_size")
        previous[schema] = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA {schema}.cache_size = {SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        for schema, size in previous.items():
            cursor.execute(f"PRAGMA {schema}.cache_size = {size}")


def _steps_by_scenario() -> dict[int, list[tuple[int, Decimal]]]:
    steps: dict[int, list[tuple[int, Decimal]]] = {}
    for scenario_id, offset, minimum in Step.objects.filter(scenario__active=True).values_list(
        "scenario_id", "offset_days", "min_amount"
    ):
        steps.setdefault(scenario_id, []).append((offset, minimum))
    return steps


def _generate(*, run_id: int, as_of: dt.date, now: dt.datetime) -> dict:
    vendor = connection.vendor
    params = _params(run_id=run_id, as_of=as_of, now=now)
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    counts["blocks_released"] = Block.objects.filter(
        released_at__isnull=True, ends_on__lt=as_of
    ).update(released_at=now)
    with connection.cursor() as cursor, _sqlite_cache(cursor, vendor):
        if vendor == "postgresql":
            # The candidate query is wide (its CASE expressions are compiled from the steps):
            # PostgreSQL's JIT would spend seconds compiling what runs once.
            cursor.execute("SET LOCAL jit = off")
            # Sorts and hash aggregates over a million rows stay in memory (the default 4 MB
            # spills them to disk from 100k invoices on); one run at a time, so one such budget.
            cursor.execute(f"SET LOCAL work_mem = '{POSTGRES_WORK_MEM}'")
            # The work tables are analysed for their size and rough spread: a small sample.
            cursor.execute("SET LOCAL default_statistics_target = 10")
        for table in sql.TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        counts.update(_settle_promises(cursor, vendor=vendor, params=params, as_of=as_of))
        cursor.execute(sql.CUSTOMERS, params)
        cursor.execute(sql.INVOICE_BLOCKS, params)
        days_since_promise = sql.days_since(vendor, "p.promised_on")
        cursor.execute(sql.PROMISED.format(days_since_promise=days_since_promise), params)
        # Temporary tables have no statistics and no keys: index what the big join looks up.
        for table, column in sql.TEMP_KEYS:
            cursor.execute(f"CREATE INDEX {table}_idx ON {table} ({column})")
            if vendor == "postgresql":
                cursor.execute(f"ANALYZE {table}")
        steps = _steps_by_scenario()
        cursor.execute(
            sql.CANDIDATES.format(
                due_case=sql.step_case(steps, as_of=as_of, with_minimum=False),
                eligible_case=sql.step_case(steps, as_of=as_of, with_minimum=True),
                new_anchor=sql.new_anchor(vendor),
                scan=sql.full_scan(vendor),
                fence=sql.fence(vendor),
            ),
            params,
        )
        cursor.execute(sql.CHANGED)
        table, column = sql.CHANGED_KEY
        cursor.execute(f"CREATE INDEX {table}_idx ON {table} ({column})")
        cursor.execute("SELECT COALESCE(SUM(reanchor), 0) FROM dunning_tmp_changed")
        counts["reanchored"] = cursor.fetchone()[0]
        cursor.execute(sql.REMEMBER_CHANGED, params)
        cursor.execute(sql.CONSIDERED, params)
        counts["invoices_considered"] = cursor.fetchone()[0]
        cursor.execute(sql.CANDIDATE_COUNTS)
        for excluded, number, under_minimum in cursor.fetchall():
            if excluded == "hold":
                counts["skipped_on_hold"] += number
            elif excluded == "blocked":
                counts["skipped_blocked"] += number
            elif excluded == "promise":
                counts["skipped_promise"] += number
            else:
                counts["skipped_threshold"] += under_minimum or 0
                counts["invoices_dunned"] += number - (under_minimum or 0)
        if vendor == "postgresql":
            cursor.execute("ANALYZE dunning_tmp_candidate")
            # Grouped by sorting (the rows come out in the order the actions are written in)
            # rather than hashing 351k groups at 1M (1.2 instead of 2.2 server CPU s).
            cursor.execute("SET LOCAL enable_hashagg = off")
        # A first run or a large catch-up writes its rows with most indexes set aside, each
        # table's built again right after its statement (before anything reads it again).
        bulk = sets_aside(cursor, lines=counts["invoices_dunned"])
        with indexes_set_aside(cursor, vendor=vendor, table="dunning_action", active=bulk):
            cursor.execute(sql.ACTIONS.format(order=sql.write_order(vendor, "actions")), params)
        if vendor == "postgresql":
            cursor.execute("SET LOCAL enable_hashagg = on")
        with indexes_set_aside(cursor, vendor=vendor, table="dunning_actioninvoice", active=bulk):
            cursor.execute(
                sql.ACTION_LINES.format(order=sql.write_order(vendor, "lines", bulk=bulk)), params
            )
        states = "dunning_invoicedunningstate"
        with indexes_set_aside(cursor, vendor=vendor, table=states, active=bulk):
            cursor.execute(sql.STATES_DELETE)
            cursor.execute(
                sql.STATES_INSERT.format(order=sql.write_order(vendor, "states", bulk=bulk)), params
            )
        for table in sql.TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    counts["actions_created"] = Action.objects.filter(run_id=run_id).count()
    return counts


def _settle_promises(cursor, *, vendor: str, params: dict, as_of: dt.date) -> dict:
    """Steps 2 of the run: resolve promises and create the calls for those not kept."""
    resolved_today = PromiseToPay.objects.filter(resolved_on=as_of)
    before = dict(resolved_today.values_list("status").annotate(n=Count("id")).order_by())
    cursor.execute(sql.PROMISE_PAID, params)
    cursor.execute(
        sql.PROMISE_RESOLVE.format(days_since_promise=sql.days_since(vendor, "promised_on")),
        params,
    )
    after = dict(resolved_today.values_list("status").annotate(n=Count("id")).order_by())
    cursor.execute(sql.PROMISE_CALLS, params)
    cursor.execute(sql.PROMISE_CALL_LINES, params)
    calls = Action.objects.filter(run_id=params["run_id"], source=ActionSource.BROKEN_PROMISE)
    calls.filter(lines__isnull=True).delete()
    calls.update(
        total=Subquery(
            ActionInvoice.objects.filter(action=OuterRef("pk"))
            .order_by()
            .values("action")
            .annotate(t=Sum("amount_due"))
            .values("t")[:1]
        )
    )
    return {
        f"promises_{status}": after.get(status, 0) - before.get(status, 0)
        for status in (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT, PromiseStatus.BROKEN)
    }


def _money(value) -> str:
    # The SQL already rounded every amount to the cent (ROUND(..., 2)); this only prints two
    # decimals (SQLite may hand back 1050.5, PostgreSQL Decimal("1050.50")).
    return f"{value:.2f}"


def payload(run_id: int, *, dry_run: bool = False) -> list[dict]:
    """The actions of a run as a list: see ``payload_rows``."""
    return list(payload_rows(run_id, dry_run=dry_run))


def payload_rows(run_id: int, *, dry_run: bool = False) -> Iterator[dict]:
    """The actions of a run as plain dicts, one per action, in customer code order, read
    lazily (a first run over a million invoices has hundreds of thousands):
    ``customer_code``, ``step`` (``J+15``; None for a call after a broken promise),
    ``channel``, ``invoices`` (``number``, ``due_date``, ``amount_due``) and ``total``,
    amounts as strings with two decimals (exact, unlike JSON numbers)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.PAYLOAD, {"run_id": run_id})
        action, current = None, None
        while rows := cursor.fetchmany(PAYLOAD_BATCH):
            for row in rows:
                if row[0] != current:
                    if action is not None:
                        yield action
                    current = row[0]
                    action = _action(row, dry_run=dry_run)
                if row[12] is not None:
                    action["invoices"].append(
                        {"number": row[12], "due_date": row[13], "amount_due": _money(row[14])}
                    )
        if action is not None:
            yield action


def _action(row, *, dry_run: bool) -> dict:
    (action_id, code, name, source, channel, status, priority, total, offset) = row[:9]
    return {
        "id": None if dry_run else action_id,
        "customer_code": code,
        "customer_name": name,
        "scenario": row[10],
        "step": None if offset is None else f"J{offset:+d}",
        "step_name": row[9],
        "channel": channel,
        "source": source,
        "status": status,
        "priority": priority,
        "assigned_to_id": row[11],
        "invoices": [],
        "total": _money(total),
    }
