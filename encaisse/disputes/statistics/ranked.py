"""The groups of one grouping ranked by amount, a page of them or all (the 63,289 customers of
the benchmark), in one statement that also gives the percentiles, the label when the caller
joins one (the customers') and the number of groups.

Every group (the export): ``sql.grouped_figures`` would send back a row per group and number of
days to resolve, 130,000 rows to fetch and walk for the customers; here SQL finds, per group,
the values at the two ranks around each percentile from the running count of its resolved
disputes by number of days (the smallest number of days whose running count passes the rank),
and Python only interpolates between them with the same integer rank arithmetic as
``sql.percentile_from_counts``, so the figures are the same.

A page of groups (the API's 100, the statistics page's 50 largest): every group is ranked on its
amount and count alone, and only the page's groups are counted per number of days, a few
hundred rows whose percentiles Python finds as ``sql.grouped_figures`` does."""

import datetime as dt

from django.db import connections

from .sql import (
    FIGURES,
    NO_FIGURES,
    PERCENTILES,
    SUMS,
    _row_sums,
    _with_percentiles,
    percentile_from_counts,
)

NO_RANKS = "NULL, NULL, NULL, NULL, NULL"  # m and the low and high values


def _statement(connection, inner: str, *, label: str | None) -> str:
    """Every group, ranked: rows (t, g, d, label, figures, groups, m, low and high value per
    percentile): t = 0 a group (``groups``: how many groups in all; ``m`` its resolved
    disputes), 1 the total, 3 the total's resolved disputes resolved in ``d`` days. Params: the
    inner's, the as-of date twice."""
    sums = _row_sums(connection)
    bigint = "CAST({} AS BIGINT)"
    count = bigint.format("SUM(c) OVER (PARTITION BY g)")
    ranks = []
    for p in PERCENTILES:
        rank = f"({p} * (m - 1)) / 100"
        ranks.append(f"MIN(CASE WHEN upto > {rank} THEN d END) AS low{p}")
        ranks.append(f"MIN(CASE WHEN upto > {rank} + 1 THEN d END) AS high{p}")
    join, label_sql = _label_join(label, "groups")
    return (
        f"WITH base AS ({inner}), "  # noqa: S608
        f"groups AS (SELECT g, {sums}, COUNT(*) OVER () AS groups_n FROM base GROUP BY g), "
        "x AS (SELECT g, s_days AS d, COUNT(*) AS c FROM base "
        "WHERE s_days IS NOT NULL GROUP BY g, s_days), "
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


def _label_join(label, table: str) -> tuple[str, str]:
    if label is None:
        return "", "CAST(NULL AS TEXT)"
    labelled, expression = label
    return f"LEFT JOIN {labelled} AS labelled ON labelled.id = {table}.g ", expression


def _page_statement(
    connection, inner: str, *, label: str | None, limit: int, offset: int, counted: bool
) -> str:
    """A page of groups: every group ranked on its amount and count alone (one cheap
    aggregate), then the page's groups counted per number of days to resolve (``x``, as
    ``sql.grouped_figures`` counts every group), the total over every dispute and its counts
    per number of days. Rows (t, g, d, label, figures, groups): t = 0 a page's group, 1 the
    total, 2 a page's group's resolved disputes resolved in ``d`` days (their number in the
    first figure), 3 the same over every group, 4 a page's group's label and the number of
    groups. Params: the inner's, the as-of date twice.

    The percentiles of the page's groups only: ranking all 63,289 customers with window
    functions for their percentiles cost SQLite 400 ms (docs/benchmarks.md). SQLite reads the
    disputes' narrow covering index once per use of ``base`` rather than materializing and
    indexing it (NOT MATERIALIZED); PostgreSQL scans the table per use (h-dstat4)."""
    sums = _row_sums(connection)
    how_many = "COUNT(*) OVER ()" if counted else "CAST(NULL AS BIGINT)"  # over every group
    join, label_sql = _label_join(label, "ranking")
    none = "CAST(NULL AS INTEGER)"
    return (
        f"WITH base AS NOT MATERIALIZED ({inner}), "  # noqa: S608
        f"ranking AS (SELECT g, {how_many} AS groups_n FROM base GROUP BY g "
        f"ORDER BY SUM(s_amount) DESC, COUNT(*) DESC, g LIMIT {int(limit)} "
        f"OFFSET {int(offset)}), "
        f"x AS (SELECT g, s_days AS d, {sums} FROM base "
        "WHERE g IN (SELECT g FROM ranking) GROUP BY g, s_days) "
        # The first part types the columns (PostgreSQL types a UNION's columns from the left).
        f"SELECT 0, g, {none}, CAST(NULL AS TEXT), {SUMS}, CAST(NULL AS BIGINT) "
        "FROM x GROUP BY g "
        f"UNION ALL SELECT 1, NULL, NULL, NULL, {sums}, NULL FROM base "
        f"UNION ALL SELECT 2, g, d, NULL, n, {NO_FIGURES}, NULL FROM x WHERE d IS NOT NULL "
        f"UNION ALL SELECT 3, NULL, s_days, NULL, COUNT(*), {NO_FIGURES}, NULL FROM base "
        "WHERE s_days IS NOT NULL GROUP BY s_days "
        f"UNION ALL SELECT 4, ranking.g, NULL, {label_sql}, {', '.join(['NULL'] * 8)}, groups_n "
        f"FROM ranking {join}"
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
    if limit is None:
        statement = _statement(connection, inner, label=label)
    else:
        statement = _page_statement(
            connection, inner, label=label, limit=limit, offset=offset, counted=counted
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, day, day])
        rows = cursor.fetchall()
    if limit is None:
        total, groups, labels, how_many = _every_group(rows)
    else:
        total, groups, labels, how_many = _page(rows)
    if counted and not groups and offset and limit is not None:  # past the last page
        how_many = queryset.values("g").distinct().count()
    return total, groups, int(how_many or 0), (labels if label is not None else None)


def _every_group(rows: list) -> tuple:
    """(total, groups, labels, number of groups) from the rows of ``_statement``."""
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
    return total, groups, labels, how_many


def _page(rows: list) -> tuple:
    """(total, groups, labels, number of groups) from the rows of ``_page_statement``: the
    percentiles from the counts per number of days, as ``sql.grouped_figures`` finds them."""
    width = len(FIGURES.split(", "))
    figures, counts, labels, how_many = {}, {}, {}, 0
    for row in rows:
        t, g, d = row[0], row[1], row[2]
        if t in (0, 1):
            figures[(t, g if t == 0 else None)] = row[4 : 4 + width]
        elif t in (2, 3):
            counts.setdefault((t - 2, g if t == 2 else None), []).append((d, row[4]))
        else:
            labels[g] = row[3]
            how_many = row[4 + width]
    total, groups = _with_percentiles(figures, counts)
    return total, groups, labels, how_many
