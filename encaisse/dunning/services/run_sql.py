"""The SQL of the daily run, written once for SQLite and PostgreSQL.

Each statement works on the whole ledger at once (no statement per invoice). Work tables are
temporary tables of the run's connection, dropped at the end (or with a rolled-back dry run).
Parameters are named (``%(as_of)s``); the dialect differences are date arithmetic
(``days_since``, ``new_anchor``) and ``full_scan``."""

import datetime as dt

TEMP_TABLES = ["dunning_tmp_candidate", "dunning_tmp_customer"]
TEMP_TABLES += ["dunning_tmp_invoice_block", "dunning_tmp_promised", "dunning_tmp_changed"]
TEMP_KEYS = [
    ("dunning_tmp_customer", "customer_id"),
    ("dunning_tmp_invoice_block", "invoice_id"),
    ("dunning_tmp_promised", "invoice_id"),
]
# Work tables indexed after they are filled (the others before the big join).
CHANGED_KEY = ("dunning_tmp_changed", "invoice_id")


def full_scan(vendor: str) -> str:
    return "" if vendor == "postgresql" else "NOT INDEXED"


def fence(vendor: str) -> str:
    """Keeps PostgreSQL from pulling the inner query up into the outer one, which would copy
    the ref_date expression into every branch of the step CASEs (SQLite's copies are cheap)."""
    return "OFFSET 0" if vendor == "postgresql" else ""


def write_order(vendor: str, statement: str, *, bulk: bool = False) -> str:
    """Rows written in the order of their keys: actions in customer order, their lines in
    action order (the actions were inserted in customer and channel order), states in invoice
    order, so each index grows at a few places instead of everywhere (PostgreSQL: a third less
    server time at 1M). SQLite already produces them in that order (its GROUP BY sorts, its
    scans follow the invoice ids), where an ORDER BY only adds a sort, or worse, turns the
    lines' join around. With the indexes set aside (``bulk``: see ``run_indexes``) the lines
    and states come as the join gives them (invoice order): nothing is inserted into an index,
    and the builds sort what they need (PostgreSQL, 1M: 0.3 to 0.5 server CPU s less)."""
    if vendor != "postgresql" or (bulk and statement != "actions"):
        return ""
    return {
        "actions": "ORDER BY g.customer_id, g.channel",
        "lines": "ORDER BY d.customer_id, d.channel, d.invoice_id",
        "states": "ORDER BY invoice_id",
    }[statement]


def days_since(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"(CAST(%(as_of)s AS DATE) - {column})"
    # SQLite stores dates as ISO text; %(as_of_jd)s is the run date's Julian day number.
    return f"CAST(%(as_of_jd)s - julianday({column}) AS INTEGER)"


# --- promises -------------------------------------------------------------------------------

# What was paid on a promise's invoices since it was taken (never negative per invoice).
PROMISE_PAID = """
UPDATE dunning_promisetopay SET paid_amount = COALESCE((
    SELECT ROUND(SUM(CASE WHEN pi.open_amount_at_promise > i.open_amount
                    THEN pi.open_amount_at_promise - i.open_amount ELSE 0 END), 2)
    FROM dunning_promiseinvoice pi
    JOIN receivables_invoice i ON i.id = pi.invoice_id
    WHERE pi.promise_id = dunning_promisetopay.id), 0)
WHERE status = 'open'
"""

# Kept as soon as the amount is paid; at the end of the grace days, partly kept or broken.
PROMISE_RESOLVE = """
UPDATE dunning_promisetopay SET
    status = CASE WHEN paid_amount >= amount THEN 'kept'
                  WHEN paid_amount > 0 THEN 'partly_kept'
                  ELSE 'broken' END,
    resolved_on = %(as_of)s
WHERE status = 'open'
  AND (paid_amount >= amount OR {days_since_promise} > grace_days)
"""

# A broken or partly kept promise resolved today gets one high-priority call (once).
PROMISE_CALLS = """
INSERT INTO dunning_action (customer_id, source, step_id, channel, template_code, status,
    priority, assigned_to_id, run_id, promise_id, due_on, total, include_penalties, notes,
    created_at)
SELECT p.customer_id, 'broken_promise', NULL, 'call', 'broken-promise-call', 'planned', 1,
    c.collector_id, %(run_id)s, p.id, %(as_of)s, 0, FALSE, '', %(now)s
FROM dunning_promisetopay p
JOIN customers_customer c ON c.id = p.customer_id
WHERE p.status IN ('broken', 'partly_kept') AND p.resolved_on = %(as_of)s
  AND NOT EXISTS (SELECT 1 FROM dunning_action a
                  WHERE a.promise_id = p.id AND a.source = 'broken_promise')
"""

PROMISE_CALL_LINES = """
INSERT INTO dunning_actioninvoice (action_id, invoice_id, step_id, amount_due)
SELECT a.id, i.id, NULL, ROUND(i.open_amount - COALESCE((
        SELECT SUM(b.blocked_amount) FROM dunning_block b
        WHERE b.invoice_id = i.id AND b.released_at IS NULL AND b.starts_on <= %(as_of)s
          AND b.blocked_amount IS NOT NULL), 0), 2)
FROM dunning_action a
JOIN dunning_promiseinvoice pi ON pi.promise_id = a.promise_id
JOIN receivables_invoice i ON i.id = pi.invoice_id
WHERE a.run_id = %(run_id)s AND a.source = 'broken_promise'
  AND i.status = 'open' AND i.open_amount > COALESCE((
        SELECT SUM(b.blocked_amount) FROM dunning_block b
        WHERE b.invoice_id = i.id AND b.released_at IS NULL AND b.starts_on <= %(as_of)s
          AND b.blocked_amount IS NOT NULL), 0)
"""

# --- partial payments -----------------------------------------------------------------------

# The date of a payment the run notices: the latest allocation to the invoice up to the run's
# date (the run's date when the payment came without one, as a re-imported open amount does),
# never before the last step reached.
PAYMENT_DATE = """
    CASE WHEN ds.last_step_on > (
            SELECT COALESCE(MAX(al.allocated_on), %(as_of)s) FROM receivables_allocation al
            WHERE al.invoice_id = i.id AND al.allocated_on <= %(as_of)s)
         THEN ds.last_step_on
         ELSE (SELECT COALESCE(MAX(al.allocated_on), %(as_of)s) FROM receivables_allocation al
               WHERE al.invoice_id = i.id AND al.allocated_on <= %(as_of)s) END"""

# Invoices whose open amount changed since the run last saw it, with their new anchor.
CHANGED = """
CREATE TEMPORARY TABLE dunning_tmp_changed AS
SELECT invoice_id, anchor_on, open_amount, reanchor
FROM dunning_tmp_candidate WHERE changed = 1
"""

REMEMBER_CHANGED = """
UPDATE dunning_invoicedunningstate SET
    anchor_on = (SELECT c.anchor_on FROM dunning_tmp_changed c
                 WHERE c.invoice_id = dunning_invoicedunningstate.invoice_id),
    open_amount_seen = (SELECT c.open_amount FROM dunning_tmp_changed c
                        WHERE c.invoice_id = dunning_invoicedunningstate.invoice_id),
    updated_at = %(now)s
WHERE invoice_id IN (SELECT invoice_id FROM dunning_tmp_changed)
"""

# --- work tables ----------------------------------------------------------------------------

# Each customer's scenario (own profile > segment > default, active scenarios only) and what
# stops its whole account: the on-hold flag, a customer hold, a customer block. Joins rather
# than a sub-query per customer (profile and segment scenario are one-to-one; at most one
# row of customer blocks per customer): 100k customers at 1M invoices.
CUSTOMERS = """
CREATE TEMPORARY TABLE dunning_tmp_customer AS
SELECT c.id AS customer_id, c.collector_id AS collector_id, c.salesperson_id AS salesperson_id,
    COALESCE(ps.id, ss.id, %(default_scenario)s) AS scenario_id,
    CASE WHEN c.on_hold OR COALESCE(cb.holds, 0) > 0 THEN 1 ELSE 0 END AS on_hold,
    CASE WHEN COALESCE(cb.blocks, 0) > 0 THEN 1 ELSE 0 END AS blocked
FROM customers_customer c
LEFT JOIN dunning_customerdunningprofile p ON p.customer_id = c.id
LEFT JOIN dunning_scenario ps ON ps.id = p.scenario_id AND ps.active = TRUE
LEFT JOIN dunning_segmentscenario sgs ON sgs.segment_id = c.segment_id
LEFT JOIN dunning_scenario ss ON ss.id = sgs.scenario_id AND ss.active = TRUE
LEFT JOIN (
    SELECT b.customer_id AS customer_id,
        SUM(CASE WHEN b.kind = 'hold' THEN 1 ELSE 0 END) AS holds,
        SUM(CASE WHEN b.kind <> 'hold' THEN 1 ELSE 0 END) AS blocks
    FROM dunning_block b
    WHERE b.invoice_id IS NULL AND b.released_at IS NULL AND b.starts_on <= %(as_of)s
    GROUP BY b.customer_id
) cb ON cb.customer_id = c.id
"""

# Active blocks and holds on invoices: whole-invoice ones exclude, amounts are subtracted.
INVOICE_BLOCKS = """
CREATE TEMPORARY TABLE dunning_tmp_invoice_block AS
SELECT b.invoice_id AS invoice_id,
    SUM(CASE WHEN b.blocked_amount IS NULL AND b.kind = 'hold' THEN 1 ELSE 0 END) AS holds,
    SUM(CASE WHEN b.blocked_amount IS NULL AND b.kind <> 'hold' THEN 1 ELSE 0 END) AS blocks,
    COALESCE(SUM(b.blocked_amount), 0) AS blocked_amount
FROM dunning_block b
WHERE b.invoice_id IS NOT NULL AND b.released_at IS NULL AND b.starts_on <= %(as_of)s
GROUP BY b.invoice_id
"""

# Invoices under an open promise whose date plus grace days has not passed.
PROMISED = """
CREATE TEMPORARY TABLE dunning_tmp_promised AS
SELECT DISTINCT pi.invoice_id AS invoice_id
FROM dunning_promiseinvoice pi
JOIN dunning_promisetopay p ON p.id = pi.promise_id
WHERE p.status = 'open' AND {days_since_promise} <= p.grace_days
"""

# Every open invoice within reach of a step, with the date its offsets count from (ref_date:
# the anchor of InvoiceDunningState, else the due date; re-anchored here when the open amount
# went down after a step), the most advanced step it has passed and not reached yet
# (due_offset), the most advanced such step whose minimum its amount due meets
# (eligible_offset), and why it is excluded, if it is. The step columns are CASE expressions
# compiled from the steps (``step_case``) comparing ref_date with literal dates: no look-up
# and no date arithmetic per invoice. Kept: the rows with a step due, and those whose open
# amount changed. The invoices that move to a step in this run are those with a ``step_id``:
# the step they reach, with its channel and what it asks for (no separate work table for
# them: one table of 822k rows less to write on a first run at 1M). The second ``{fence}``
# keeps PostgreSQL from computing the step CASEs twice (in the filter and in the columns).
# ``{scan}`` is ``NOT INDEXED`` on SQLite: most open invoices are within reach,
# and reading the table in order is several times faster than fetching each row through the
# due-date index (PostgreSQL's planner chooses its sequential scan by itself).
CANDIDATES = """
CREATE TEMPORARY TABLE dunning_tmp_candidate AS
SELECT y.*, st.id AS step_id, st.channel AS channel,
    CASE WHEN st.needs_approval THEN 1 ELSE 0 END AS needs_approval,
    CASE WHEN st.include_penalties THEN 1 ELSE 0 END AS include_penalties
FROM (
SELECT x.*, {due_case} AS due_offset, {eligible_case} AS eligible_offset
FROM (
    SELECT i.id AS invoice_id, i.customer_id AS customer_id, tc.scenario_id AS scenario_id,
        tc.collector_id AS collector_id, tc.salesperson_id AS salesperson_id,
        i.open_amount AS open_amount,
        ROUND(i.open_amount - COALESCE(ib.blocked_amount, 0), 2) AS amount_due,
        CASE WHEN ds.last_offset IS NOT NULL AND i.open_amount < ds.open_amount_seen
             THEN {new_anchor} ELSE COALESCE(ds.anchor_on, i.due_date) END AS ref_date,
        COALESCE(ds.last_offset, -32768) AS reached,
        CASE WHEN ds.last_offset IS NOT NULL AND i.open_amount < ds.open_amount_seen
             THEN {new_anchor} ELSE ds.anchor_on END AS anchor_on,
        CASE WHEN i.open_amount <> ds.open_amount_seen THEN 1 ELSE 0 END AS changed,
        CASE WHEN ds.last_offset IS NOT NULL AND i.open_amount < ds.open_amount_seen
             THEN 1 ELSE 0 END AS reanchor,
        CASE WHEN tc.on_hold = 1 OR COALESCE(ib.holds, 0) > 0 THEN 'hold'
             WHEN tc.blocked = 1 OR COALESCE(ib.blocks, 0) > 0
                  OR i.open_amount <= COALESCE(ib.blocked_amount, 0) THEN 'blocked'
             WHEN pr.invoice_id IS NOT NULL THEN 'promise'
             ELSE '' END AS excluded
    FROM receivables_invoice i {scan}
    JOIN dunning_tmp_customer tc ON tc.customer_id = i.customer_id
    LEFT JOIN dunning_invoicedunningstate ds ON ds.invoice_id = i.id
    LEFT JOIN dunning_tmp_invoice_block ib ON ib.invoice_id = i.id
    LEFT JOIN dunning_tmp_promised pr ON pr.invoice_id = i.id
    WHERE i.status = 'open' AND i.kind = 'invoice' AND i.open_amount > 0
      AND i.due_date <= %(horizon)s AND tc.scenario_id IS NOT NULL
    {fence}
) x
{fence}
) y
LEFT JOIN dunning_step st ON st.scenario_id = y.scenario_id
    AND st.offset_days = y.eligible_offset AND y.excluded = ''
WHERE y.due_offset IS NOT NULL OR y.changed = 1
"""


def new_anchor(vendor: str) -> str:
    """The anchor after a partial payment: the payment date minus the last step's offset."""
    if vendor == "postgresql":
        return f"(CAST({PAYMENT_DATE} AS DATE) - ds.last_offset)"
    return f"date({PAYMENT_DATE}, (-ds.last_offset) || ' days')"


def step_case(
    steps: dict[int, list[tuple[int, object]]], *, as_of: dt.date, with_minimum: bool
) -> str:
    """The most advanced step of ``x.scenario_id`` passed (its offset counted from
    ``x.ref_date`` reaches ``as_of``) and not reached (``x.reached``), meeting its minimum when
    ``with_minimum``, as a CASE expression: steps are few, invoices many. ``steps`` maps
    scenario ids to ``(offset, minimum)``; only integers, Decimals and dates computed here
    reach the SQL text."""
    if not steps:
        return "NULL"
    scenarios = []
    for scenario_id, offsets in steps.items():
        branches = []
        for offset, minimum in sorted(offsets, reverse=True):
            passed_if_on_or_before = (as_of - dt.timedelta(days=int(offset))).isoformat()
            condition = f"x.ref_date <= '{passed_if_on_or_before}' AND x.reached < {int(offset)}"
            if with_minimum and minimum > 0:
                condition += f" AND x.amount_due >= {minimum:f}"
            branches.append(f"WHEN {condition} THEN {int(offset)}")
        scenarios.append(f"WHEN {int(scenario_id)} THEN CASE {' '.join(branches)} END")
    return f"CASE x.scenario_id {' '.join(scenarios)} END"


CANDIDATE_COUNTS = """
SELECT excluded, COUNT(*), SUM(CASE WHEN eligible_offset IS NULL THEN 1 ELSE 0 END)
FROM dunning_tmp_candidate WHERE due_offset IS NOT NULL GROUP BY excluded
"""


# One action per customer and channel; its step is the most advanced of its lines. The
# customer's collector and salesperson come along in the work tables (the same for all the
# lines of a customer), so this groups without a look-up per action. ``{order}``: see
# ``write_order``.
ACTIONS = """
INSERT INTO dunning_action (customer_id, source, step_id, channel, template_code, status,
    priority, assigned_to_id, run_id, promise_id, due_on, total, include_penalties, notes,
    created_at)
SELECT g.customer_id, 'scenario', st.id, g.channel, st.template_code,
    CASE WHEN g.needs_approval = 1 THEN 'awaiting_approval' ELSE 'planned' END, 0,
    CASE WHEN st.performer = 'salesperson' THEN COALESCE(g.salesperson_id, g.collector_id)
         ELSE g.collector_id END,
    %(run_id)s, NULL, %(as_of)s, g.total, g.include_penalties = 1, '', %(now)s
FROM (SELECT customer_id, scenario_id, channel, MAX(eligible_offset) AS top_offset,
             ROUND(SUM(amount_due), 2) AS total, MAX(needs_approval) AS needs_approval,
             MAX(include_penalties) AS include_penalties, MAX(collector_id) AS collector_id,
             MAX(salesperson_id) AS salesperson_id
      FROM dunning_tmp_candidate WHERE step_id IS NOT NULL
      GROUP BY customer_id, scenario_id, channel) g
JOIN dunning_step st ON st.scenario_id = g.scenario_id AND st.offset_days = g.top_offset
{order}
"""

# ``{order}``: see ``write_order``.
ACTION_LINES = """
INSERT INTO dunning_actioninvoice (action_id, invoice_id, step_id, amount_due)
SELECT a.id, d.invoice_id, d.step_id, d.amount_due
FROM dunning_tmp_candidate d
JOIN dunning_action a ON a.run_id = %(run_id)s AND a.customer_id = d.customer_id
    AND a.channel = d.channel AND a.source = 'scenario'
WHERE d.step_id IS NOT NULL
{order}
"""

STATES_DELETE = """
DELETE FROM dunning_invoicedunningstate
WHERE invoice_id IN (SELECT invoice_id FROM dunning_tmp_candidate WHERE step_id IS NOT NULL)
"""

STATES_INSERT = """
INSERT INTO dunning_invoicedunningstate (invoice_id, last_step_id, last_offset, last_step_on,
    anchor_on, open_amount_seen, updated_at)
SELECT invoice_id, step_id, eligible_offset, %(as_of)s, anchor_on, open_amount, %(now)s
FROM dunning_tmp_candidate
WHERE step_id IS NOT NULL
{order}
"""

# What the run created, for the command's output and the preview (read before a dry run
# rolls back): the actions in customer order, each followed by its lines, in one ordered read
# that is streamed (no action is held in memory longer than it takes to write it).
PAYLOAD = """
SELECT a.id, c.code, c.name, a.source, a.channel, a.status, a.priority, a.total,
    st.offset_days, st.name, sc.code, a.assigned_to_id,
    i.number, CAST(i.due_date AS TEXT), l.amount_due
FROM dunning_action a
JOIN customers_customer c ON c.id = a.customer_id
LEFT JOIN dunning_step st ON st.id = a.step_id
LEFT JOIN dunning_scenario sc ON sc.id = st.scenario_id
LEFT JOIN dunning_actioninvoice l ON l.action_id = a.id
LEFT JOIN receivables_invoice i ON i.id = l.invoice_id
WHERE a.run_id = %(run_id)s
ORDER BY c.code, a.priority DESC, a.channel, a.id, i.due_date, i.number
"""

# Open items within reach of a step (credit notes included: counted from the index alone).
CONSIDERED = """
SELECT COUNT(*) FROM receivables_invoice WHERE status = 'open' AND due_date <= %(horizon)s
"""
