"""The groups of one grouping ranked by amount, a page of them or all (the 63,289 customers of
the benchmark), in one statement that also gives each group's percentiles, its label when the
caller joins one (the customers') and the number of groups.

``sql.grouped_figures`` sends back a row per group and number of days to resolve and works out
the percentiles in Python: fine for a dozen groups, 130,000 rows to fetch and walk for the
customers. Here SQL finds, per group, the values at the two ranks around each percentile from
the running count of its resolved disputes by number of days (the smallest number of days whose
running count passes the rank), and Python only interpolates between them with the same integer
rank arithmetic as ``sql.percentile_from_counts``, so the figures are the same."""

import datetime as dt

from django.db import connections

from .sql import FIGURES, NO_FIGURES, PERCENTILES, SUMS, _row_sums, percentile_from_counts

NO_RANKS = "NULL, NULL, NULL, NULL, NULL"  # m and the low and high values


def _statement(
    connection, inner: str, *, label: str | None, limit, offset: int, counted: bool
) -> str:
    """Rows (t, g, d, label, figures, groups, m, low and high value per percentile): t = 0 a
    group (``groups``: how many groups in all; ``m`` its resolved disputes), 1 the total, 3 the
    total's resolved disputes resolved in ``d`` days. Params: the inner's, the as-of date
    twice."""
    sums = _row_sums(connection)
    if limit is None:
        groups = (
            f"groups AS (SELECT g, {sums}, COUNT(*) OVER () AS groups_n "  # noqa: S608
            "FROM base GROUP BY g)"
        )
        kept = ""
    else:
        # Rank every group on its amount and count alone (cheap), then sum the figures of the
        # page's groups only: most of the work for 60,000 customers is summing.
        how_many = "COUNT(*) OVER ()" if counted else "NULL"  # a window over every group
        groups = (
            f"ranking AS (SELECT g, {how_many} AS groups_n FROM base GROUP BY g "  # noqa: S608
            f"ORDER BY SUM(s_amount) DESC, COUNT(*) DESC, g LIMIT {int(limit)} "
            f"OFFSET {int(offset)}), "
            f"groups AS (SELECT base.g AS g, {sums}, MAX(ranking.groups_n) AS groups_n "
            "FROM base JOIN ranking ON ranking.g = base.g GROUP BY base.g)"
        )
        kept = " AND g IN (SELECT g FROM ranking)"
    bigint = "CAST({} AS BIGINT)"
    count = bigint.format("SUM(c) OVER (PARTITION BY g)")
    ranks = []
    for p in PERCENTILES:
        rank = f"({p} * (m - 1)) / 100"
        ranks.append(f"MIN(CASE WHEN upto > {rank} THEN d END) AS low{p}")
        ranks.append(f"MIN(CASE WHEN upto > {rank} + 1 THEN d END) AS high{p}")
    join, label_sql = "", "NULL"
    if label is not None:
        table, expression = label
        join = f"LEFT JOIN {table} AS labelled ON labelled.id = groups.g "
        label_sql = expression
    return (
        f"WITH base AS ({inner}), "  # noqa: S608
        f"{groups}, "
        "x AS (SELECT g, s_days AS d, COUNT(*) AS c FROM base "
        f"WHERE s_days IS NOT NULL{kept} GROUP BY g, s_days), "
        f"y AS (SELECT g, d, {bigint.format('SUM(c) OVER (PARTITION BY g ORDER BY d)')} AS upto, "
        f"{count} AS m FROM x), "
        f"pct AS (SELECT g, MAX(m) AS m, {', '.join(ranks)} FROM y GROUP BY g), "
        f"per_day AS (SELECT s_days AS d, {sums} FROM base GROUP BY s_days) "
        f"SELECT 0, groups.g, CAST(NULL AS INTEGER), {label_sql}, "
        f"{', '.join(f'groups.{f}' for f in FIGURES.split(', '))}, groups_n, "
        f"pct.m, {', '.join(f'pct.{c}' for c in _rank_columns())} "
        f"FROM groups LEFT JOIN pct ON pct.g = groups.g {join}"
        f"UNION ALL SELECT 1, NULL, CAST(NULL AS INTEGER), NULL, {SUMS}, NULL, {NO_RANKS} "
        "FROM per_day "
        f"UNION ALL SELECT 3, NULL, d, NULL, n, {NO_FIGURES}, NULL, {NO_RANKS} "
        "FROM per_day WHERE d IS NOT NULL "
        # the groups first, by amount (5th and 6th columns: count, amount), then the total
        "ORDER BY 1, 6 DESC, 5 DESC, 2"
    )


def _rank_columns() -> list[str]:
    return [f"{side}{p}" for p in PERCENTILES for side in ("low", "high")]


def _percentile(m, low, high, p: int) -> float | None:
    if not m:
        return None
    low_rank, remainder = divmod(p * (int(m) - 1), 100)
    if remainder == 0:
        return float(low)
    return low + (high - low) * remainder / 100


def ranked_figures(
    queryset,
    *,
    as_of: dt.date,
    label=None,
    limit: int | None = None,
    offset: int = 0,
    counted: bool = True,
):
    """The groups of ``queryset`` (values as ``sql.grouped_figures`` reads them) by amount,
    largest first, the ``limit`` from ``offset`` (all when ``limit`` is None). ``label``:
    (table, SQL expression over its row ``labelled``) joined on the group key. Returns (total,
    rows, number of groups, labels): the total and rows (key, figures..., p50, p90) as
    ``grouped_figures`` gives them, labels by key (None when not joined). ``counted=False``
    spares counting the groups of a page (0 then)."""
    connection = connections[queryset.db]
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    day = as_of if connection.vendor == "postgresql" else as_of.isoformat()
    statement = _statement(
        connection, inner, label=label, limit=limit, offset=offset, counted=counted
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, day, day])
        rows = cursor.fetchall()
    groups, labels, total, counts, how_many = [], {}, None, [], 0
    width = len(FIGURES.split(", "))
    for row in rows:
        t = row[0]
        if t == 0:
            figures = row[4 : 4 + width]
            how_many = row[4 + width]
            m, *values = row[5 + width :]
            found = [
                _percentile(m, values[2 * i], values[2 * i + 1], p)
                for i, p in enumerate(PERCENTILES)
            ]
            groups.append((row[1], *figures, *found))
            labels[row[1]] = row[3]
        elif t == 1:
            total = row[4 : 4 + width]
        else:
            counts.append((row[2], row[4]))
    if total is not None and total[0]:
        counts.sort()
        total = (None, *total, *(percentile_from_counts(counts, p) for p in PERCENTILES))
    else:
        total = None
    if counted and not groups and offset and limit is not None:  # past the last page
        how_many = queryset.values("g").distinct().count()
    return total, groups, int(how_many or 0), (labels if label is not None else None)
