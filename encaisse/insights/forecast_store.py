"""The cash forecast's corrections for disputes and promises to pay, stored with the snapshots.

The stored forecast (``SnapshotForecast``) holds the open invoices of the day of the build by
the date they are expected, as if there were no dispute and no promise. What the active
disputes and the open promises of a customer change in it (the disputed amounts taken off and
shown apart, the promised amounts moved to their promised dates) is stored per customer
(``SnapshotForecastCorrection``), with the disputes and promises it was computed from
(``SnapshotForecastSource``). The forecast of that day then reads:

- the stored forecast and the stored corrections, each summed by expected date in SQL;
- the customers whose disputes or promises changed since (``changed_customers``: an active
  dispute or an open promise not among the sources, or a source no longer active or open);
  their stored corrections are left out and theirs are computed live from their own invoices
  (``corrections``), as the build computes them.

So a dispute opened, resolved or closed and a promise recorded or settled show at once, and
the figures are the live ones to the cent. Every 10 minutes the worker writes the changed
customers' corrections again (``corrections_refresh``), so that those computed live stay few.
The ledger itself does not move under the stored rows: any change to it (``snapshots.watermark``)
sends the forecast back to computing everything live until the snapshots are rebuilt.

A dispute's disputed lines and a promise's invoices are written once, when it is opened or
recorded (``disputes.services.opening``, ``dunning.services.promises``); only the status of a
dispute or a promise changes afterwards, which is what the sources compare."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.disputes.choices import ACTIVE_STATUSES
from encaisse.dunning.choices import PromiseStatus
from encaisse.receivables.choices import InvoiceStatus

from . import forecast
from .models import SnapshotForecastCorrection, SnapshotForecastSource
from .queries import Scope

CHUNK = 500  # customers per statement (a list of parameters)
ZERO = Decimal("0.00")
_SOURCES = SnapshotForecastSource._meta.db_table
_CORRECTIONS = SnapshotForecastCorrection._meta.db_table


def _statuses() -> str:
    return ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)


def _hint(index: str) -> str:
    return f" INDEXED BY {index}" if connection.vendor == "sqlite" else ""


def _in(column: str, ids: list[int]) -> str:
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})"


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# Which customers changed --------------------------------------------------------------------


def changed_customers() -> list[int]:
    """The customers whose active disputes or open promises are not those their stored
    corrections were computed from: a new one (every customer of its invoices), or one stored
    that is no longer active or open (or no longer there)."""
    open_ = PromiseStatus.OPEN
    # The new ones are found first, then joined to their lines (MATERIALIZED: PostgreSQL
    # otherwise joined every active dispute's lines before leaving out the known ones). The
    # active disputes come from their partial index (the statuses are literals so that SQLite
    # can prove it applies).
    # Fragments are constants; there are no values.
    sql = f"""
        WITH new_disputes AS MATERIALIZED (
            SELECT d.id FROM disputes_dispute d{_hint("dispute_deadline_idx")}
            WHERE d.status IN ({_statuses()}) AND NOT EXISTS (
                SELECT 1 FROM {_SOURCES} s WHERE s.kind = 'd' AND s.ref_id = d.id
            )
        ),
        new_promises AS MATERIALIZED (
            SELECT p.id FROM dunning_promisetopay p{_hint("promise_open_idx")}
            WHERE p.status = '{open_}' AND NOT EXISTS (
                SELECT 1 FROM {_SOURCES} s WHERE s.kind = 'p' AND s.ref_id = p.id
            )
        )
        SELECT i.customer_id FROM new_disputes n
        JOIN disputes_disputedinvoice di ON di.dispute_id = n.id
        JOIN receivables_invoice i ON i.id = di.invoice_id
        UNION
        SELECT s.customer_id FROM {_SOURCES} s
        WHERE s.kind = 'd' AND NOT EXISTS (
            SELECT 1 FROM disputes_dispute d WHERE d.id = s.ref_id AND d.status IN ({_statuses()})
        )
        UNION
        SELECT i.customer_id FROM new_promises n
        JOIN dunning_promiseinvoice pi ON pi.promise_id = n.id
        JOIN receivables_invoice i ON i.id = pi.invoice_id
        UNION
        SELECT s.customer_id FROM {_SOURCES} s
        WHERE s.kind = 'p' AND NOT EXISTS (
            SELECT 1 FROM dunning_promisetopay p WHERE p.id = s.ref_id AND p.status = '{open_}'
        )
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(customer_id for (customer_id,) in cursor.fetchall())


# The corrections, computed ------------------------------------------------------------------


def _rows(as_of: dt.date, customers: list[int] | None) -> list[tuple]:
    """``(customer, days late, due date, amount less disputes, amount)`` of the open invoices
    of ``customers`` (None: every customer of the sources) by (customer, due date), and
    ``(customer, None, None, disputed, None)``: what their active disputes contest on their
    open invoices. Each customer's invoices are looked up in the covering index of open
    documents, their disputed lines through the invoice; the days late are those stored for
    the day."""
    open_ = InvoiceStatus.OPEN
    cents = forecast.CENTS
    hint = _hint("invoice_open_cover_idx")
    if customers is None:
        touched, params = f" AND i.customer_id IN (SELECT customer_id FROM {_SOURCES})", []  # noqa: S608
    else:
        touched, params = _in("i.customer_id", customers), list(customers)
    # The customers as a list on the invoices, not a joined CTE: joined, SQLite built a Bloom
    # filter over every open invoice first (0.11 s for 200 customers instead of 0.002 s).
    # Fragments are constants; values are parameters.
    sql = f"""
        WITH disputed AS (
            SELECT i.customer_id, i.due_date, SUM({cents.format("di.disputed_amount")}) AS cents
            FROM receivables_invoice i{hint}
            CROSS JOIN disputes_disputedinvoice di CROSS JOIN disputes_dispute d
            WHERE i.status = '{open_}'{touched}
              AND di.invoice_id = i.id AND d.id = di.dispute_id AND d.status IN ({_statuses()})
            GROUP BY i.customer_id, i.due_date
        ),
        grouped AS (
            SELECT i.customer_id, i.due_date, SUM({cents.format("i.open_amount")}) AS cents
            FROM receivables_invoice i{hint}
            WHERE i.status = '{open_}' AND i.open_amount > 0
              AND i.issue_date <= %s{touched}
            GROUP BY i.customer_id, i.due_date
        )
        SELECT g.customer_id, COALESCE(y.days, 0), g.due_date,
               g.cents - CASE WHEN COALESCE(ds.cents, 0) < g.cents
                              THEN COALESCE(ds.cents, 0) ELSE g.cents END,
               g.cents
        FROM grouped g
        LEFT JOIN insights_snapshotdelay y ON y.customer_id = g.customer_id
        LEFT JOIN disputed ds ON ds.customer_id = g.customer_id AND ds.due_date = g.due_date
        UNION ALL
        SELECT customer_id, NULL, NULL, SUM(cents), NULL FROM disputed GROUP BY customer_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        day = forecast._db_date(as_of)
        cursor.execute(sql, [*params, day, *params])
        return cursor.fetchall()


def corrections(as_of: dt.date, *, customers: list[int] | None) -> tuple[dict, dict]:
    """``({customer: {day: [amount, promised]}}, {customer: disputed})``: what the active
    disputes and open promises of ``customers`` (None: every customer of the sources) change
    in the stored forecast of ``as_of``, by the day it keeps (``forecast.horizon_day``); the
    same rule as ``forecast.cash_forecast``'s live computation, customer by customer."""
    by_day: dict = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    disputed: dict = defaultdict(lambda: ZERO)
    batches = [None] if customers is None else list(_chunks(customers))
    for batch in batches:
        items, taken = forecast._promised_items(Scope(), customers=batch)
        for customer_id, days, due_date, total, before in _rows(as_of, batch):
            if days is None:
                disputed[customer_id] += Decimal(total).scaleb(-2)
                continue
            due = forecast._as_date(due_date)
            day = forecast.horizon_day(due + dt.timedelta(days=max(int(days), 0)), as_of=as_of)
            rest = max(Decimal(total).scaleb(-2) - taken.get((customer_id, due), ZERO), ZERO)
            by_day[customer_id][day][0] += rest - Decimal(before).scaleb(-2)
        for item in items:
            if item.amount <= 0:
                continue
            day = forecast.horizon_day(max(item.promised_on, as_of), as_of=as_of)
            by_day[item.customer_id][day][1] += item.amount
    return by_day, disputed


# Reading ------------------------------------------------------------------------------------


def stored_forecast(*, as_of: dt.date, scope: Scope, changed: list[int]) -> forecast.Forecast:
    """The forecast of the day of the snapshots: the stored forecast, the stored corrections of
    the customers that did not change and the live ones of those that did."""
    from .snapshots import forecast_figures

    amounts: dict = defaultdict(lambda: ZERO)
    promised: dict = defaultdict(lambda: ZERO)
    disputed = ZERO
    changed = _in_scope(changed, scope)
    for day, amount in forecast_figures(scope=scope):
        amounts[day] += amount
    for day, amount, promise, dispute in _stored(scope, changed):
        if day is not None:
            amounts[day] += amount
            promised[day] += promise
        disputed += dispute
    if changed:
        by_day, disputes = corrections(as_of, customers=changed)
        for days in by_day.values():
            for day, (amount, promise) in days.items():
                amounts[day] += amount
                promised[day] += promise
        disputed += sum(disputes.values(), ZERO)
    items = [forecast.OpenItem(0, day, amount) for day, amount in sorted(amounts.items())]
    items += [
        forecast.OpenItem(0, day, amount, promised_on=day)
        for day, amount in sorted(promised.items())
    ]
    return forecast.forecast_weeks(items=items, delays={}, as_of=as_of, disputed=disputed)


def _in_scope(customers: list[int], scope: Scope) -> list[int]:
    """Those of ``customers`` in ``scope``."""
    lookups = scope.customer_lookups(prefix="")
    if not lookups or not customers:
        return customers
    kept = []
    for batch in _chunks(customers):
        kept += Customer.objects.filter(pk__in=batch, **lookups).values_list("pk", flat=True)
    return sorted(kept)


def _stored(scope: Scope, changed: list[int]) -> list[tuple]:
    """``(day or None, amount, promised, disputed)`` of the stored corrections of the scope,
    but those of the ``changed`` customers, summed by day in whole cents."""
    where, params = "1 = 1", []
    if scope.segment_id is not None:
        where, params = where + " AND segment_id = %s", [*params, scope.segment_id]
    if scope.collector_id is not None:
        where, params = where + " AND collector_id = %s", [*params, scope.collector_id]
    sums = ", ".join(
        f"SUM({forecast.CENTS.format(column)})" for column in ("amount", "promised", "disputed")
    )
    # Names are constants; values are parameters.
    sql = f"SELECT expected_on, {sums} FROM {_CORRECTIONS} WHERE {where} GROUP BY expected_on"  # noqa: S608
    rows = _sum_rows(sql, params)
    if changed:
        # Theirs are taken back off: a look-up per customer instead of a NOT IN over them all.
        for batch in _chunks(changed):
            sql = (
                f"SELECT expected_on, {sums} FROM {_CORRECTIONS} WHERE {where}"  # noqa: S608
                f"{_in('customer_id', batch)} GROUP BY expected_on"
            )
            for day, *values in _sum_rows(sql, [*params, *batch]):
                rows.append((day, *(-value for value in values)))
    return rows


def _sum_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (
                None if day is None else forecast._as_date(day),
                *(Decimal(value or 0).scaleb(-2) for value in values),
            )
            for day, *values in cursor.fetchall()
        ]


# Writing ------------------------------------------------------------------------------------


def _write_sources(customers: list[int] | None) -> None:
    """The active disputes and open promises, and the customers of their invoices (of
    ``customers`` only, when given): one INSERT ... SELECT."""
    batches = [None] if customers is None else list(_chunks(customers))
    for batch in batches:
        narrow = "" if batch is None else _in("i.customer_id", batch)
        params = [] if batch is None else [*batch, *batch]
        # Fragments are constants; values are parameters.
        sql = f"""
            INSERT INTO {_SOURCES} (kind, ref_id, customer_id)
            SELECT DISTINCT 'd', d.id, i.customer_id
            FROM disputes_dispute d
            JOIN disputes_disputedinvoice di ON di.dispute_id = d.id
            JOIN receivables_invoice i ON i.id = di.invoice_id
            WHERE d.status IN ({_statuses()}){narrow}
            UNION
            SELECT DISTINCT 'p', p.id, i.customer_id
            FROM dunning_promisetopay p
            JOIN dunning_promiseinvoice pi ON pi.promise_id = p.id
            JOIN receivables_invoice i ON i.id = pi.invoice_id
            WHERE p.status = '{PromiseStatus.OPEN}'{narrow}
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _owners(customers: list[int] | None) -> dict:
    """``{customer: (segment, collector)}`` of ``customers`` (None: those of the sources)."""
    if customers is None:
        rows = Customer.objects.filter(pk__in=SnapshotForecastSource.objects.values("customer_id"))
        return {pk: (s, c) for pk, s, c in rows.values_list("pk", "segment_id", "collector_id")}
    owners = {}
    for batch in _chunks(customers):
        rows = Customer.objects.filter(pk__in=batch).values_list("pk", "segment_id", "collector_id")
        owners.update((pk, (segment, collector)) for pk, segment, collector in rows)
    return owners


def _write(day: dt.date, customers: list[int] | None) -> None:
    """Write the sources, then the corrections, of ``customers`` (None: every customer), in
    that order: a dispute or a promise that changes in between leaves its customer changed
    (in the sources but not in the corrections, or the reverse), so it is computed live."""
    sources = SnapshotForecastSource.objects.all()
    stored = SnapshotForecastCorrection.objects.all()
    if customers is None:
        sources.delete()
        stored.delete()
    else:
        for batch in _chunks(customers):
            sources.filter(customer_id__in=batch).delete()
            stored.filter(customer_id__in=batch).delete()
    _write_sources(customers)
    owners = _owners(customers)
    by_day, disputed = corrections(day, customers=customers)
    rows = []
    for customer_id, days in by_day.items():
        for expected_on, (amount, promised) in days.items():
            if amount or promised:
                segment_id, collector_id = owners[customer_id]
                rows.append(
                    SnapshotForecastCorrection(
                        customer_id=customer_id,
                        segment_id=segment_id,
                        collector_id=collector_id,
                        expected_on=expected_on,
                        amount=amount,
                        promised=promised,
                        disputed=ZERO,
                    )
                )
    for customer_id, amount in disputed.items():
        if not amount:
            continue
        segment_id, collector_id = owners[customer_id]
        rows.append(
            SnapshotForecastCorrection(
                customer_id=customer_id,
                segment_id=segment_id,
                collector_id=collector_id,
                expected_on=None,
                amount=ZERO,
                promised=ZERO,
                disputed=amount,
            )
        )
    SnapshotForecastCorrection.objects.bulk_create(rows, batch_size=2000)


def corrections_build(day: dt.date) -> None:
    """Every customer's corrections, for the forecast of ``day`` (``snapshots_build``, after
    the customers' delays and the stored forecast of that day)."""
    _write(day, None)
    if connection.vendor == "postgresql":
        # Fresh statistics for ``changed_customers``: without them PostgreSQL took the 30k
        # sources for a few hundred rows and looked each one up (0.37 s instead of 0.03 s).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_SOURCES}, {_CORRECTIONS}")


@transaction.atomic
def corrections_refresh() -> int:
    """Write again the corrections of the customers whose disputes or promises changed since
    they were written (the worker's job, while the snapshots hold); return how many."""
    changed = changed_customers()
    if changed:
        _write(today(), changed)
    return len(changed)
