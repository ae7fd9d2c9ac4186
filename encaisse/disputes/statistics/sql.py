"""The statistics statement: one per grouping, the same figures on SQLite and PostgreSQL.

The ORM builds the scoped, filtered set of disputes (one row per dispute: the group key, the
amount, the dates, the days to resolve); this module wraps it in one statement that counts the
disputes per group and per number of days to resolve (``x``: a few hundred rows per group at
most, since a resolution time is a whole number of days over a short range), then reads from
those counts, in SQL, the figures per group, the total, and the counts per number of days the
percentiles need. One pass over the disputes in all. Groupings of many groups (the customers)
and pages of groups are ranked in SQL instead, percentiles included (``ranked.py``); the
insights page reads every grouping from one statement (``every_grouping_figures``).

Percentiles of the resolution time are continuous (linear interpolation between the two nearest
ranks, as PostgreSQL's ``percentile_cont``), computed here from the counts per number of days:
the value at rank ``p (n - 1)`` between ranks ``floor(p (n - 1))`` and the next one, the rank
arithmetic on integers (``p`` in hundredths), so both databases give the same numbers.
(Earlier versions read the disputes two or three times: ``percentile_cont`` per group on
PostgreSQL, a second statement for the counts on SQLite, and converted each resolution time to
a local date per row; the stored ``resolved_on`` and ``resolution_days`` replace that.)"""

import datetime as dt

from django.db import connections, transaction

# p in hundredths: 50 = median, 90 = 90th percentile.
PERCENTILES = (50, 90)
# Sums over the rows of ``x`` (already counted per group and number of days); constant SQL,
# every value is a parameter (S608 below).
SUMS = (
    "SUM(n) AS n, SUM(amount) AS amount, SUM(resolved) AS resolved, "
    "SUM(with_target) AS with_target, SUM(on_time) AS on_time, SUM(judged) AS judged, "
    "SUM(founded) AS founded, SUM(cash_days) AS cash_days"
)
WORK_MEM = "32MB"  # PostgreSQL's memory for the one-pass grouping sets (every_grouping_figures)
FIGURES = "n, amount, resolved, with_target, on_time, judged, founded, cash_days"


def _days_since(connection, start: str) -> str:
    """Whole days from date ``start`` to the date given as the next parameter."""
    if connection.vendor == "postgresql":
        return f"(%s - {start})"
    return f"CAST(ROUND(julianday(%s) - julianday({start})) AS INTEGER)"


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


def _row_sums(connection) -> str:
    """The figures summed over rows of the disputes set (one ``%s``: the as-of date)."""
    open_days = f"COALESCE(s_days, {_days_since(connection, 's_raised')})"
    return (
        "COUNT(*) AS n, SUM(s_amount) AS amount, "
        "SUM(CASE WHEN s_days IS NOT NULL THEN 1 ELSE 0 END) AS resolved, "
        "SUM(CASE WHEN s_days IS NOT NULL AND s_target IS NOT NULL THEN 1 ELSE 0 END) "
        "AS with_target, "
        "SUM(CASE WHEN s_days IS NOT NULL AND s_resolved <= s_target THEN 1 ELSE 0 END) "
        "AS on_time, "
        "SUM(CASE WHEN s_founded IS NOT NULL THEN 1 ELSE 0 END) AS judged, "
        "SUM(CASE WHEN s_founded THEN 1 ELSE 0 END) AS founded, "
        f"SUM(s_amount * {open_days}) AS cash_days"
    )


NO_FIGURES = "NULL, NULL, NULL, NULL, NULL, NULL, NULL"


def _statement(connection, inner: str, *, grouped: bool) -> str:
    """Rows (t, g, d, n, amount, ...): t = 0 a group's figures, 1 the total's, 2 a group's
    resolved disputes resolved in d days (n of them), 3 the same over all groups. Every group,
    from the counts per group and days to resolve (``x``); params: as-of, then the inner's."""
    counted = (
        f"x AS (SELECT g, s_days AS d, {_row_sums(connection)} "  # noqa: S608
        f"FROM ({inner}) AS base GROUP BY g, s_days)"
    )
    # The groups' parts come first: PostgreSQL types a UNION's columns pair by pair from the
    # left, and two NULL keys first would make the key a text column.
    parts = [
        f"SELECT 1, NULL, NULL, {SUMS} FROM x",  # noqa: S608
        f"SELECT 3, NULL, d, SUM(n), {NO_FIGURES} FROM x WHERE d IS NOT NULL GROUP BY d",  # noqa: S608
    ]
    if grouped:
        parts[:0] = [
            f"SELECT 0, g, NULL, {SUMS} FROM x GROUP BY g",  # noqa: S608
            f"SELECT 2, g, d, n, {NO_FIGURES} FROM x WHERE d IS NOT NULL",  # noqa: S608
        ]
    return f"WITH {counted} " + " UNION ALL ".join(parts)


# The flow's two columns where a part has none (typed: PostgreSQL types a UNION's columns
# from its first parts).
EXTRA_NULL = ("CAST(NULL AS TEXT)", "CAST(NULL AS INTEGER)")


def _resolved_month(connection) -> tuple[str, str]:
    """The month of resolution as '2026-03', and what to group it by: on PostgreSQL the first
    day of the month (``to_char`` per row costs more than the grouping), on SQLite the
    date's first seven characters (the ISO text it stores, cheaper than ``strftime``)."""
    if connection.vendor == "postgresql":
        month = "date_trunc('month', s_resolved)"
        return f"to_char({month}, 'YYYY-MM')", month
    return "substr(s_resolved, 1, 7)", "substr(s_resolved, 1, 7)"


def _flow_parts(connection, keys: int) -> list[str]:
    """Two more parts of the one-pass statement, read from ``base``: the disputes resolved
    (local date) between two dates, per month of resolution (column ``r_month``), and those
    still open after a date (``r_open`` = 1), each with its count and amount. Params: the two
    dates, then the date."""
    nulls = ", ".join("NULL" for _k in range(keys))
    rest = ", ".join("NULL" for _f in FIGURES.split(", ")[2:])
    month, by = _resolved_month(connection)
    return [
        f"SELECT {nulls}, {month}, {EXTRA_NULL[1]}, NULL, COUNT(*), SUM(s_amount), {rest} "  # noqa: S608
        f"FROM base WHERE s_resolved >= %s AND s_resolved <= %s GROUP BY {by}",
        f"SELECT {nulls}, {EXTRA_NULL[0]}, 1, NULL, COUNT(*), SUM(s_amount), {rest} "  # noqa: S608
        "FROM base WHERE s_resolved IS NULL OR s_resolved > %s",
    ]


def _fine_sums(connection) -> str:
    """``_row_sums`` for rows grouped by their days to resolve (``s_days``, one value per
    group): the cash-days of resolved disputes are the group's amount times its days, so only
    the open ones are multiplied row by row (one ``%s``: the as-of date). The same sums."""
    sums = _row_sums(connection)
    cash = sums.rindex("SUM(s_amount * ")
    open_days = _days_since(connection, "s_raised")
    return (
        f"{sums[:cash]}COALESCE(SUM(CASE WHEN s_days IS NULL THEN s_amount * {open_days} END), "
        "SUM(s_amount) * s_days) AS cash_days"
    )


def _largest_first(connection) -> str:
    """The amount the largest groups are ranked by. PostgreSQL sums numeric values slowly
    over tens of thousands of groups; the amounts in whole cents as floats sum exactly (whole
    numbers below 2^53) and rank alike, ties included. SQLite sums its amounts as floats."""
    if connection.vendor == "postgresql":
        return "SUM(CAST(s_amount * 100 AS DOUBLE PRECISION))"
    return "SUM(s_amount)"


def _every_grouping_statement(
    connection, inner: str, keys: int, *, limit: int, flow: bool = False, packed: bool = False
) -> str:
    """Rows (k0, ..., k<keys - 1>, d, figures): the figures per key of one grouping and number
    of days to resolve ``d``, every other key NULL, for each of the first ``keys - 1`` keys
    (a few groups each), and for the ``limit`` (and one more) groups of largest amount of the
    last key (the customers), all in one statement over the disputes (``base``, not written
    aside: each part scans it, on SQLite the covering index ``dispute_stats_cover_idx``,
    cheaper than writing the period's disputes aside and reading them back). The disputes are
    first counted per combination of the small groupings' keys and days (``fine``: 28,000
    rows for 100k disputes), which each grouping then sums: PostgreSQL in one pass with
    GROUPING SETS, SQLite, which has none, once per grouping. With ``packed`` (SQLite), the
    inner's ``s_pack`` is one integer per combination of the small keys: SQLite sorts on it
    (and the days) a third faster than on the keys themselves, which it then reads from any
    row of the group. With ``flow``, each row has two more columns after the keys
    (``_flow_parts``). Params: the inner's, then the as-of date twice (and with ``flow`` the
    first and last day of the period, then the as-of date)."""
    sums = _row_sums(connection)
    columns = [f"k{i}" for i in range(keys)]
    small, largest = columns[:-1], columns[-1]
    keep = int(limit) + 1
    extra = f"{', '.join(EXTRA_NULL)}, " if flow else ""
    # ``fine`` is read by every grouping (written aside once on SQLite).
    materialized = "" if connection.vendor == "postgresql" else "MATERIALIZED "
    fined = "s_pack" if packed else ", ".join(small)
    fine = (
        f"fine AS {materialized}(SELECT {', '.join(small)}, s_days, {_fine_sums(connection)} "  # noqa: S608
        f"FROM base GROUP BY {fined}, s_days)"
    )
    if connection.vendor == "postgresql":
        sets = ", ".join(f"({column}, s_days)" for column in small)
        parts = [
            f"SELECT {', '.join(small)}, NULL AS {largest}, {extra}s_days AS d, {SUMS} "  # noqa: S608
            f"FROM fine GROUP BY GROUPING SETS ({sets})"
        ]
    else:
        parts = []
        for column in small:
            picked = ", ".join(c if c == column else "NULL" for c in columns)
            parts.append(
                f"SELECT {picked}, {extra}s_days, {SUMS} FROM fine GROUP BY {column}, s_days"  # noqa: S608
            )
    nulls = ", ".join("NULL" for _c in small)
    top = (
        f"top AS (SELECT {largest} AS g FROM base GROUP BY {largest} "  # noqa: S608
        f"ORDER BY {_largest_first(connection)} DESC, COUNT(*) DESC, {largest} LIMIT {keep})"
    )
    parts.append(
        f"SELECT {nulls}, {largest}, {extra}s_days, {sums} FROM base "  # noqa: S608
        f"WHERE {largest} IN (SELECT g FROM top) GROUP BY {largest}, s_days"
    )
    if flow:
        parts.extend(_flow_parts(connection, keys))
    base = f"base AS NOT MATERIALIZED ({inner})"
    return f"WITH {base}, {fine}, {top} " + " UNION ALL ".join(parts)


def every_grouping_figures(
    queryset,
    *,
    as_of: dt.date,
    keys: int,
    limit: int,
    flow: tuple | None = None,
    packed: bool = False,
) -> tuple[list, dict | None]:
    """The figures of several groupings from one statement over ``queryset``, whose values are the
    keys ``k0`` ... (never NULL; the last one kept to its ``limit`` groups of largest amount,
    and one more) and the ``s_*`` of ``grouped_figures``. Returns, per key, (total, groups) as
    ``grouped_figures`` does (the total over every dispute, the same for every key but the
    last, whose total covers its largest groups only). With ``flow`` (first day, last day),
    from the same read: {"months": {"2026-03": (count, amount)} of the disputes resolved
    between those days (local dates) per month, "open": (count, amount) of those still open
    after the as-of date}; else None. ``packed``: the values have ``s_pack`` (SQLite, see
    ``_every_grouping_statement``)."""
    connection = connections[queryset.db]
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    postgresql = connection.vendor == "postgresql"

    def day(value: dt.date):
        return value if postgresql else value.isoformat()

    statement = _every_grouping_statement(
        connection, inner, keys, limit=limit, flow=bool(flow), packed=packed
    )
    params = [*params, day(as_of), day(as_of)]
    if flow:
        params += [day(flow[0]), day(flow[1]), day(as_of)]
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        if postgresql:
            # The grouping sets hash in one pass when their tables fit in memory (6 MB for
            # 100k disputes); under the default 4 MB PostgreSQL sorts the disputes to disk
            # once per grouping instead, twice as slow. For this transaction only.
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            # One process: each part's scan is cheap, and parallel workers would add their
            # start and the gathering to the server's work (and hide it from the benchmark's
            # count of our backend's CPU time).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    found = None
    if flow:
        found = {"months": {}, "open": (0, None)}
        grouped = []
        for row in rows:
            month, is_open, values = row[keys], row[keys + 1], row[keys + 3 :]
            if month is not None:
                found["months"][month] = (values[0], values[1])
            elif is_open is not None:
                found["open"] = (values[0], values[1])
            else:
                grouped.append((*row[:keys], *row[keys + 2 :]))
        rows = grouped
    return _per_key(rows, keys), found


def _per_key(rows: list, keys: int) -> list:
    """Per key, (total, groups) from the rows (k0, ..., d, figures) of the one-pass
    statement."""
    width = len(FIGURES.split(", "))
    figures = [{} for _k in range(keys)]
    counts = [{} for _k in range(keys)]
    totals = [[0] * width for _k in range(keys)]
    total_counts = [{} for _k in range(keys)]
    for row in rows:
        index = next(i for i in range(keys) if row[i] is not None)
        key, d, values = row[index], row[keys], row[keys + 1 :]
        summed = figures[index].get(key)
        if summed is None:
            figures[index][key] = list(values)
        else:
            for i, value in enumerate(values):
                summed[i] += value or 0
        total = totals[index]
        for i, value in enumerate(values):
            total[i] += value or 0
        if d is not None:
            counts[index].setdefault(key, []).append((d, values[0]))
            total_counts[index][d] = total_counts[index].get(d, 0) + values[0]
    result = []
    for index in range(keys):
        groups = {(0, key): values for key, values in figures[index].items()}
        groups[(1, None)] = totals[index]
        pairs = {(0, key): found for key, found in counts[index].items()}
        pairs[(1, None)] = list(total_counts[index].items())
        result.append(_with_percentiles(groups, pairs))
    return result


def grouped_figures(queryset, *, as_of: dt.date, grouped: bool):
    """Run the statistics over ``queryset``, whose values are ``g`` (the group key, never
    NULL), ``s_amount``, ``s_raised``, ``s_target``, ``s_resolved`` (the local date of
    resolution), ``s_days`` (days from raised to resolved) and ``s_founded``. Returns (total,
    groups): tuples of key, count, amount, resolved, resolved with a target date, resolved by
    it, judged (founded or not), founded, cash-days, p50, p90. Every group: for the largest
    only, or groups by the thousand, ``ranked.ranked_figures``."""
    connection = connections[queryset.db]
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    day = as_of if connection.vendor == "postgresql" else as_of.isoformat()
    statement = _statement(connection, inner, grouped=grouped)
    params = [day, *params]  # the as-of date comes first, in ``x``
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    figures, counts = {}, {}
    for t, g, d, *values in rows:
        if t in (0, 1):
            figures[(t, g if t == 0 else None)] = values
        else:
            counts.setdefault((t - 2, g if t == 2 else None), []).append((d, values[0]))
    return _with_percentiles(figures, counts)


def _with_percentiles(figures: dict, counts: dict):
    """(total, groups) from the figures per (0, key) of a group or (1, None) of the total,
    and their (days, how many) pairs, with the percentiles."""
    result = {}
    none = (None,) * len(PERCENTILES)
    for key, values in figures.items():
        pairs = counts.get(key)
        if not pairs:
            result[key] = (key[1], *values, *none)
        elif len(pairs) == 1:  # most customers: every percentile is that one value
            result[key] = (key[1], *values, *(float(pairs[0][0]),) * len(PERCENTILES))
        else:
            pairs.sort()
            found = (percentile_from_counts(pairs, p) for p in PERCENTILES)
            result[key] = (key[1], *values, *found)
    total = result.pop((1, None), None)
    groups = list(result.values())
    return (total if total and total[1] else None), groups
