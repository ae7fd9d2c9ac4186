"""The statistics statement: one per grouping, the same figures on SQLite and PostgreSQL.

The ORM builds the scoped, filtered set of disputes (one row per dispute: the group key, the
amount, the dates); this module wraps it in a statement that aggregates per group. The inner set
is a ``MATERIALIZED`` common table expression so that the resolution date (``resolved_at`` in the
company's time zone, which SQLite computes through a Python function) is computed once per
dispute, not once per use.

Percentiles of the resolution time are continuous (linear interpolation between the two nearest
ranks, as PostgreSQL's ``percentile_cont``): PostgreSQL computes them with ``percentile_cont``;
SQLite, which has none, ranks the resolved disputes of each group with window functions and
interpolates between ranks ``floor(p (n - 1))`` and the next one. The rank arithmetic is done on
integers (``p`` in hundredths), so both give the same numbers."""

import datetime as dt

from django.db import connections

# p in hundredths: 50 = median, 90 = 90th percentile.
PERCENTILES = (50, 90)


def _days(connection, end: str, start: str) -> str:
    """Whole days from date ``start`` to date ``end`` (NULL if either is)."""
    if connection.vendor == "postgresql":
        return f"({end} - {start})"
    return f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"


def _percentiles_sql(connection) -> str:
    """The common table expressions ending in ``pct``: p50 and p90 per group ``g``."""
    if connection.vendor == "postgresql":
        columns = ", ".join(
            f"percentile_cont({p / 100}) WITHIN GROUP (ORDER BY d) AS p{p}" for p in PERCENTILES
        )
        return f", pct AS (SELECT g, {columns} FROM b WHERE d IS NOT NULL GROUP BY g)"  # noqa: S608
    # Rank i from 0 to n - 1; the value at fraction p is v[lo] + f (v[lo + 1] - v[lo]) with
    # lo = p (n - 1) div 100 and f = (p (n - 1) mod 100) / 100.
    cases = []
    for p in PERCENTILES:
        lo = f"(({p} * (n - 1)) / 100)"
        frac = f"((({p} * (n - 1)) % 100) / 100.0)"
        cases.append(
            f"SUM(CASE WHEN i = {lo} THEN d * (1 - {frac}) "
            f"WHEN i = {lo} + 1 THEN d * {frac} ELSE 0 END) AS p{p}"
        )
    return (
        ", r AS (SELECT g, d, ROW_NUMBER() OVER (PARTITION BY g ORDER BY d) - 1 AS i, "  # noqa: S608
        "COUNT(*) OVER (PARTITION BY g) AS n FROM b WHERE d IS NOT NULL)"
        f", pct AS (SELECT g, {', '.join(cases)} FROM r GROUP BY g)"
    )


def grouped_figures(queryset, *, as_of: dt.date) -> list[tuple]:
    """Run the statistics over ``queryset``, whose values are ``g`` (the group key, never
    NULL), ``s_amount``, ``s_raised``, ``s_target``, ``s_resolved`` (the local date of
    resolution) and ``s_founded``. One tuple per group: key, count, amount, resolved, resolved
    with a target date, resolved by it, judged (founded or not), founded, cash-days, p50, p90."""
    connection = connections[queryset.db]
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    days_to_resolve = _days(connection, "s_resolved", "s_raised")
    days_open = _days(connection, "COALESCE(s_resolved, %s)", "s_raised")
    percentiles = _percentiles_sql(connection)
    as_of_param = as_of if connection.vendor == "postgresql" else as_of.isoformat()
    # Constant SQL around the ORM's own statement; every value is a parameter.
    statement = (
        f"WITH base AS MATERIALIZED ({inner}), "  # noqa: S608
        f"b AS (SELECT g, s_amount, s_target, s_resolved, s_founded, {days_to_resolve} AS d, "
        f"{days_open} AS open_days FROM base){percentiles}, "
        "agg AS (SELECT g, COUNT(*) AS n, SUM(s_amount) AS amount, "
        "SUM(CASE WHEN s_resolved IS NOT NULL THEN 1 ELSE 0 END) AS resolved, "
        "SUM(CASE WHEN s_resolved IS NOT NULL AND s_target IS NOT NULL THEN 1 ELSE 0 END) "
        "AS with_target, "
        "SUM(CASE WHEN s_resolved IS NOT NULL AND s_resolved <= s_target THEN 1 ELSE 0 END) "
        "AS on_time, "
        "SUM(CASE WHEN s_founded IS NOT NULL THEN 1 ELSE 0 END) AS judged, "
        "SUM(CASE WHEN s_founded THEN 1 ELSE 0 END) AS founded, "
        "SUM(s_amount * open_days) AS cash_days FROM b GROUP BY g) "
        "SELECT agg.g, n, amount, resolved, with_target, on_time, judged, founded, cash_days, "
        f"{', '.join(f'pct.p{p}' for p in PERCENTILES)} "
        "FROM agg LEFT JOIN pct ON pct.g = agg.g"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, as_of_param])
        return cursor.fetchall()
