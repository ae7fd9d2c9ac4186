"""The department worklist: the disputes a user works, nearest deadline first, a keyset page
at a time.

Three tabs: "mine" (the disputes the user owns), "department" (those of the user's department)
and, for users who see every dispute, "all" (with a department filter). Active disputes are
read in the order of the partial indexes made for this page, ``dispute_owner_worklist_idx``
(owner, target_date, id) and ``dispute_dept_worklist_idx`` (department, target_date, id), both
on the active statuses: the database seeks the owner's or department's slice and reads it in
order, and the cursor (the last row's target date and id) seeks again for the next page. Target
dates are empty until a dispute is qualified: those rows come last (NULLS LAST, PostgreSQL's
default index order). The "ready to close" filter reads the stored flag
(``Dispute.ready_to_close``, ``dispute_ready_idx``); the rows' flags are worked out for the
page's rows (``flag_ready_to_close``)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from encaisse.accounts.capabilities import VIEW_ALL_DISPUTES, has_capability
from encaisse.core.dates import today
from encaisse.core.pagination import decode_cursor, encode_cursor, take

from .choices import ACTIVE_STATUSES, Status
from .models import Dispute
from .selectors import disputes_visible_to, ready_to_close

PAGE_SIZE = 50
MINE, DEPARTMENT, ALL = "mine", "department", "all"
ACTIVE = "active"  # the default status filter: every active status


class InvalidCursor(ValueError):
    """The cursor was not made by ``worklist_page``."""


@dataclass
class WorklistFilters:
    tab: str = ""
    status: str = ACTIVE  # "active", "" (any) or one status
    department: str = ""  # a department code ("all" tab only)
    reason_code: str = ""
    owner_id: int | None = None
    late: bool = False
    ready: bool = False


@dataclass
class WorklistPage:
    items: list[Dispute]
    next_cursor: str | None
    tab: str
    tabs: list[str] = field(default_factory=list)


def tabs_for(user) -> list[str]:
    tabs = [MINE]
    if user.department_id is not None:
        tabs.append(DEPARTMENT)
    if has_capability(user, VIEW_ALL_DISPUTES):
        tabs.append(ALL)
    return tabs


def default_tab(user) -> str:
    """Users who see every dispute start on all of them, department members on their
    department's."""
    return tabs_for(user)[-1]


def annotate_flags(disputes: QuerySet, *, on: dt.date) -> QuerySet:
    """Add ``is_late`` and ``is_at_risk`` to each row, in SQL."""
    active = Q(status__in=ACTIVE_STATUSES)
    return disputes.annotate(
        is_late=ExpressionWrapper(active & Q(target_date__lt=on), output_field=BooleanField()),
        is_at_risk=ExpressionWrapper(
            active & Q(at_risk_on__lte=on) & Q(target_date__gte=on), output_field=BooleanField()
        ),
    )


def flag_ready_to_close(rows: list[Dispute]) -> list[Dispute]:
    """Set ``is_ready_to_close`` on the rows of a page with one query over their ids: in the
    page's own SELECT list PostgreSQL would hash the NOT EXISTS over every line of every
    dispute; against a list of ids it walks the few lines of each through its index."""
    ready = set(
        Dispute.objects.filter(pk__in=[row.pk for row in rows])
        .filter(ready_to_close())
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.is_ready_to_close = row.pk in ready
    return rows


def worklist_disputes(*, user, filters: WorklistFilters, on: dt.date | None = None) -> QuerySet:
    """The disputes of ``filters.tab`` that ``user`` may see, filtered and ordered by deadline
    (no page cut)."""
    on = on or today()
    tabs = tabs_for(user)
    tab = filters.tab if filters.tab in tabs else default_tab(user)
    disputes = disputes_visible_to(user)
    if tab == MINE:
        disputes = disputes.filter(owner=user)
    elif tab == DEPARTMENT:
        disputes = disputes.filter(department_id=user.department_id)
    elif filters.department:
        disputes = disputes.filter(department__code=filters.department)
    if filters.status == ACTIVE:
        disputes = disputes.filter(status__in=ACTIVE_STATUSES)
    elif filters.status in Status.values:
        disputes = disputes.filter(status=filters.status)
    if filters.reason_code:
        disputes = disputes.filter(reason_code__code=filters.reason_code)
    if filters.owner_id is not None and tab != MINE:
        disputes = disputes.filter(owner_id=filters.owner_id)
    if filters.late:
        disputes = disputes.filter(status__in=ACTIVE_STATUSES, target_date__lt=on)
    if filters.ready:
        # The stored flag (kept by the database, migration 0008), read through
        # ``dispute_ready_idx``: the few ready disputes instead of testing every active one.
        disputes = disputes.filter(status__in=ACTIVE_STATUSES, ready_to_close=True)
    disputes = annotate_flags(disputes, on=on).select_related(
        "customer", "reason_code", "department", "owner"
    )
    return disputes.order_by(F("target_date").asc(nulls_last=True), "id")


def _encode(target: dt.date | None, pk: int) -> str:
    return encode_cursor([target.isoformat() if target else None, pk])


def _decode(cursor: str) -> tuple[dt.date | None, int]:
    try:
        target, pk = decode_cursor(cursor)
        return (dt.date.fromisoformat(target) if target else None), int(pk)
    except (ValueError, TypeError) as error:
        raise InvalidCursor(str(error)) from None


def _after(target: dt.date | None, pk: int) -> Q:
    """The rows after (target, pk) in (target_date NULLS LAST, id) order."""
    if target is None:
        return Q(target_date__isnull=True, id__gt=pk)
    # The redundant bound on the date alone lets the database seek its index to the cursor.
    dated = Q(target_date__gte=target) & (
        Q(target_date__gt=target) | Q(target_date=target, id__gt=pk)
    )
    return dated | Q(target_date__isnull=True)


def worklist_page(
    *,
    user,
    filters: WorklistFilters,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    on: dt.date | None = None,
) -> WorklistPage:
    """One page of the worklist after ``cursor``; raises InvalidCursor for a foreign one."""
    tabs = tabs_for(user)
    tab = filters.tab if filters.tab in tabs else default_tab(user)
    filters.tab = tab
    disputes = worklist_disputes(user=user, filters=filters, on=on)
    if cursor:
        disputes = disputes.filter(_after(*_decode(cursor)))
    rows, more = take(disputes, limit)
    next_cursor = None
    if more:
        next_cursor = _encode(rows[-1].target_date, rows[-1].pk)
    flag_ready_to_close(rows)
    return WorklistPage(items=rows, next_cursor=next_cursor, tab=tab, tabs=tabs)


def worklist_row(*, user, dispute_id: int, on: dt.date | None = None) -> Dispute | None:
    """One row of the worklist as the page shows it (after a quick action), or None when the
    user may no longer see the dispute (handed over to another department)."""
    disputes = annotate_flags(disputes_visible_to(user), on=on or today())
    row = (
        disputes.select_related("customer", "reason_code", "department", "owner")
        .filter(pk=dispute_id)
        .first()
    )
    return flag_ready_to_close([row])[0] if row is not None else None
