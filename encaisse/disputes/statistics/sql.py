"""The statistics statement: one per grouping, the same figures on SQLite and PostgreSQL.

The ORM builds the scoped, filtered set of disputes (one row per dispute: the group key, the
amount, the dates); this module wraps it in one statement that aggregates per group and over
all of them (the total). The inner set is a ``MATERIALIZED`` common table expression, read once
for both.

Percentiles of the resolution time are continuous (linear interpolation between the two nearest
ranks, as PostgreSQL's ``percentile_cont``): PostgreSQL computes them with ``percentile_cont``
in the same statement; SQLite, which has none, counts the resolved disputes per group and per
number of days in SQL (an ordered scan of a few hundred rows per group) and interpolates between
ranks ``floor(p (n - 1))`` and the next one from those counts. The rank arithmetic is done on
integers (``p`` in hundredths), so both give the same numbers. (Ranking every dispute with
window functions, tried first, cost three times as much CPU on SQLite.)"""

import datetime as dt

from django.db import connections

# p in hundredths: 50 = median, 90 = 90th percentile.
PERCENTILES = (50, 90)
# Constant SQL around the ORM's own statement; every value is a parameter (S608 below).
AGGREGATES = (
    "COUNT(*) AS n, SUM(s_amount) AS amount, "
    "SUM(CASE WHEN s_resolved IS NOT NULL THEN 1 ELSE 0 END) AS resolved, "
    "SUM(CASE WHEN s_resolved IS NOT NULL AND s_target IS NOT NULL THEN 1 ELSE 0 END) "
    "AS with_target, "
    "SUM(CASE WHEN s_resolved IS NOT NULL AND s_resolved <= s_target THEN 1 ELSE 0 END) "
    "AS on_time, "
    "SUM(CASE WHEN s_founded IS NOT NULL THEN 1 ELSE 0 END) AS judged, "
    "SUM(CASE WHEN s_founded THEN 1 ELSE 0 END) AS founded, "
    "SUM(s_amount * open_days) AS cash_days"
)


def _days(connection, end: str, start: str) -> str:
    """Whole days from date ``start`` to date ``end`` (NULL if either is)."""
    if connection.vendor == "postgresql":
        return f"({end} - {start})"
    return f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"


def _percentiles_postgresql(grouped: bool) -> str:
    """Common table expressions ``whole (p50, p90)``, over all, and ``pct (g, p50, p90)``,
    per group."""
    columns = ", ".join(
        f"percentile_cont({p / 100}) WITHIN GROUP (ORDER BY d) AS p{p}" for p in PERCENTILES
    )
    ctes = f", whole AS (SELECT {columns} FROM b WHERE d IS NOT NULL)"  # noqa: S608
    if grouped:
        ctes += f", pct AS (SELECT g, {columns} FROM b WHERE d IS NOT NULL GROUP BY g)"  # noqa: S608
    return ctes


def percentile_from_counts(counts: list[tuple[int, int]], p: int) -> float | None:
    """The continuous percentile ``p`` (in hundredths) of values given as sorted (value,
    how many) pairs: the value at rank p (n - 1) / 100, interpolated between the two nearest
    ranks, as ``percentile_cont``. The rank is computed on integers."""
    n = sum(c for _v, c in counts)
    if n == 0:
        return None
    low_rank, remainder = divmod(p * (n - 1), 100)

    def at(rank):
        seen = 0
        for value, count in counts:
            seen += count
            if rank < seen:
                return value
        return counts[-1][0]

    low = at(low_rank)
    if remainder == 0:
        return float(low)
    return low + (at(low_rank + 1) - low) * remainder / 100


def _percentiles_sqlite(cursor, head: str, params: list, keys: list | None) -> dict:
    """SQLite has no percentile function. Days to resolve are whole numbers over a short
    range, so the resolved disputes are counted per number of days, over all and per group
    (only the groups in ``keys`` when given: the page's 50 largest customers, not 60,000), in
    SQL, and the percentiles read from those counts. {(t, g): (p50, p90)} as PostgreSQL's."""
    groups = ""
    group_params: list = []
    if keys is None or keys:
        groups = "UNION ALL SELECT 0, g, d, COUNT(*) FROM b WHERE d IS NOT NULL"
        if keys:
            groups += f" AND g IN ({', '.join(['%s'] * len(keys))})"
            group_params = list(keys)
        groups += " GROUP BY g, d "
    cursor.execute(
        f"{head} SELECT 1, NULL, d, COUNT(*) FROM b WHERE d IS NOT NULL GROUP BY d "  # noqa: S608
        f"{groups}ORDER BY 1, 2, 3",
        [*params, *group_params],
    )
    counts: dict = {}
    for t, g, d, c in cursor.fetchall():
        counts.setdefault((t, g), []).append((d, c))
    return {
        key: tuple(percentile_from_counts(pairs, p) for p in PERCENTILES)
        for key, pairs in counts.items()
    }


def grouped_figures(queryset, *, as_of: dt.date, grouped: bool, limit: int | None = None):
    """Run the statistics over ``queryset``, whose values are ``g`` (the group key, never
    NULL), ``s_amount``, ``s_raised``, ``s_target``, ``s_resolved`` (the local date of
    resolution) and ``s_founded``. Returns (total, groups): tuples of key, count, amount,
    resolved, resolved with a target date, resolved by it, judged (founded or not), founded,
    cash-days, p50, p90. ``limit`` keeps the groups of largest amount (and one more, so the
    caller knows whether there were more)."""
    connection = connections[queryset.db]
    postgresql = connection.vendor == "postgresql"
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    days_to_resolve = _days(connection, "s_resolved", "s_raised")
    days_open = _days(connection, "COALESCE(s_resolved, %s)", "s_raised")
    params = [*params, as_of if postgresql else as_of.isoformat()]
    head = (
        f"WITH base AS MATERIALIZED ({inner}), "  # noqa: S608
        f"b AS (SELECT g, s_amount, s_target, s_resolved, s_founded, {days_to_resolve} AS d, "
        f"{days_open} AS open_days FROM base)"
    )
    agg = f"SELECT 1 AS t, NULL AS g, {AGGREGATES} FROM b"  # noqa: S608
    order = ""
    if grouped:
        agg = f"SELECT 0 AS t, g, {AGGREGATES} FROM b GROUP BY g UNION ALL {agg}"  # noqa: S608
        # The total (t = 1) first, then groups by amount; the caller orders months itself.
        order = " ORDER BY agg.t DESC, agg.amount DESC, agg.n DESC, agg.g"
        if limit is not None:
            order += f" LIMIT {int(limit) + 2}"  # the total, and one more to tell there are more
    columns = "agg.t, agg.g, n, amount, resolved, with_target, on_time, judged, founded, cash_days"
    if postgresql:
        # Per group a hash join on the key; the total's row joins the one row of ``whole``.
        # (A single join with an OR, or on a CTE holding both, made PostgreSQL compare every
        # group with every other: minutes for 60,000 customers.)
        group_join = "LEFT JOIN pct ON agg.t = 0 AND pct.g = agg.g " if grouped else ""
        picks = ", ".join(
            (f"CASE WHEN agg.t = 1 THEN whole.p{p} ELSE pct.p{p} END" if grouped else f"whole.p{p}")
            for p in PERCENTILES
        )
        statement = (
            f"{head}{_percentiles_postgresql(grouped)}, agg AS ({agg}) "  # noqa: S608
            f"SELECT {columns}, {picks} FROM agg {group_join}"
            "LEFT JOIN whole ON agg.t = 1"
            f"{order}"
        )
    else:
        statement = f"{head}, agg AS ({agg}) SELECT {columns} FROM agg{order}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
        if not postgresql:
            keys = [r[1] for r in rows if r[0] == 0] if grouped and limit is not None else None
            percentiles = _percentiles_sqlite(cursor, head, params, keys if grouped else [])
            none = (None,) * len(PERCENTILES)
            rows = [(*r, *percentiles.get((r[0], r[1] if r[0] == 0 else None), none)) for r in rows]
    totals = [r[1:] for r in rows if r[0] == 1]
    groups = [r[1:] for r in rows if r[0] == 0]
    return (totals[0] if totals and totals[0][1] else None), groups
