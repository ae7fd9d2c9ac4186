"""The collector's worklist: calls to make and actions awaiting approval, due today or
earlier, most urgent first. Also the one access helper for actions.

Priority (shown to the user in the page's help text):

1. actions raised by a broken promise (or marked high priority) come first;
2. then by score = amount due × days late × customer risk, where days late counts from the
   oldest due date among the action's invoices (at least 1: a courtesy call before the due
   date scores its amount × risk), and risk = 1 + the overdue share of the customer's balance
   (0 to 1) + 0.5 per promise the customer broke in the last 12 months."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404

from encaisse.accounts.capabilities import VIEW_LEDGER, has_capability
from encaisse.accounts.choices import Role
from encaisse.core.dates import today

from .choices import ActionSource, ActionStatus, Channel, Priority, PromiseStatus
from .models import Action, PromiseToPay

MAX_ROWS = 300
BROKEN_PROMISE_WEIGHT = Decimal("0.5")
RISK_WINDOW_DAYS = 365


def actions_visible(user) -> QuerySet:
    if not has_capability(user, VIEW_LEDGER):
        return Action.objects.none()
    return Action.objects.all()


def access_action(user, action_id: int) -> Action:
    """An action by id with its customer and collector; 404 when missing or not visible."""
    action = (
        actions_visible(user)
        .select_related("customer", "assigned_to", "step")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("no such action")
    return action


@dataclass
class WorklistRow:
    action: Action
    days_late: int
    risk: Decimal
    score: Decimal
    urgent: bool
    overdue: bool  # due before today, not done yet


def default_collector_filter(user) -> str:
    """Collectors see their own actions by default; managers see everyone's."""
    return "mine" if getattr(user, "role", None) == Role.COLLECTOR else "all"


def _risk(*, overdue_balance: Decimal, open_balance: Decimal, broken: int) -> Decimal:
    share = Decimal(0)
    if open_balance and open_balance > 0:
        share = min(Decimal(1), max(Decimal(0), overdue_balance / open_balance))
    return (1 + share + BROKEN_PROMISE_WEIGHT * broken).quantize(Decimal("0.01"))


def priority_score(*, amount: Decimal, days_late: int, risk: Decimal) -> Decimal:
    """Pure: amount × days late (at least 1) × risk."""
    return (amount * max(days_late, 1) * risk).quantize(Decimal("0.01"))


# Constants only: the statuses of action_todo_idx's condition.
_PENDING = RawSQL(
    f'"{Action._meta.db_table}"."status" IN '
    f"('{ActionStatus.PLANNED}', '{ActionStatus.AWAITING_APPROVAL}')",
    [],
    output_field=BooleanField(),
)


def _to_do(*, user, collector: str, as_of: dt.date) -> QuerySet:
    """Calls to make and actions awaiting approval due by ``as_of``, for ``collector``.

    The pending statuses are a condition of their own, written as literals: that is the
    condition of the partial index of pending actions (``action_todo_idx``), so that SQLite can
    prove the index applies and read the pending actions alone instead of the done ones, nearly
    all of them (2M done for a handful pending: docs/benchmarks.md). With the statuses as
    parameters its planner, whose statistics say one status holds every action, scanned them."""
    actions = actions_visible(user).filter(
        _PENDING,
        Q(channel=Channel.CALL) | Q(status=ActionStatus.AWAITING_APPROVAL),
        due_on__lte=as_of,
    )
    if collector == "mine":
        return actions.filter(assigned_to=user)
    if collector == "none":
        return actions.filter(assigned_to__isnull=True)
    if collector not in ("all", "", None):
        try:
            return actions.filter(assigned_to_id=int(collector))
        except (TypeError, ValueError):
            return actions.none()
    return actions


def worklist(*, user, collector: str = "all", as_of: dt.date | None = None) -> list[WorklistRow]:
    """Calls to make and actions awaiting approval due by ``as_of`` (today), for ``collector``
    ("all", "mine", "none" for unassigned, or a user id), most urgent first. Four queries.

    The ``MAX_ROWS`` first pending actions are picked by a query on the actions alone (the
    pending ones, through ``action_todo_idx`` or ``action_status_idx``), and only they are then
    joined to their customers, invoices and promises: joined in one query, SQLite's planner,
    whose statistics say nearly every action is done, started from the customers and read
    every action of each (about 1 s of CPU at 2M done actions, docs/benchmarks.md)."""
    as_of = as_of or today()
    ids = list(
        _to_do(user=user, collector=collector, as_of=as_of)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)[:MAX_ROWS]
    )
    actions = Action.objects.filter(pk__in=ids)
    broken = (
        PromiseToPay.objects.filter(
            customer=OuterRef("customer_id"),
            status=PromiseStatus.BROKEN,
            resolved_on__gte=as_of - dt.timedelta(days=RISK_WINDOW_DAYS),
        )
        .order_by()
        .values("customer")
        .annotate(n=Count("id"))
        .values("n")
    )
    actions = (
        actions.select_related("customer", "assigned_to", "step")
        .annotate(
            oldest_due=Min("lines__invoice__due_date"),
            broken_promises=Coalesce(Subquery(broken, output_field=IntegerField()), 0),
        )
        .order_by("due_on", "id")[:MAX_ROWS]
    )
    rows = []
    for action in actions:
        days_late = (as_of - action.oldest_due).days if action.oldest_due else 0
        customer = action.customer
        risk = _risk(
            overdue_balance=customer.overdue_balance,
            open_balance=customer.open_balance,
            broken=action.broken_promises,
        )
        rows.append(
            WorklistRow(
                action=action,
                days_late=days_late,
                risk=risk,
                score=priority_score(amount=action.total, days_late=days_late, risk=risk),
                urgent=action.source == ActionSource.BROKEN_PROMISE
                or action.priority == Priority.HIGH,
                overdue=action.due_on < as_of,
            )
        )
    rows.sort(key=lambda row: (not row.urgent, -row.score, row.action.due_on, row.action.pk))
    return rows


def worklist_summary(*, user, collector: str = "all", as_of: dt.date | None = None) -> dict:
    """How many calls to make (and how many of them overdue), actions awaiting approval and
    urgent actions the worklist of ``collector`` holds on ``as_of``: all of them, not only the
    ``MAX_ROWS`` it lists. One aggregate query (the dashboard's day's work, the worklist's
    figures)."""
    as_of = as_of or today()
    urgent = Q(source=ActionSource.BROKEN_PROMISE) | Q(priority=Priority.HIGH)
    return _to_do(user=user, collector=collector, as_of=as_of).aggregate(
        calls=Count("pk", filter=Q(channel=Channel.CALL)),
        calls_overdue=Count("pk", filter=Q(channel=Channel.CALL, due_on__lt=as_of)),
        approvals=Count("pk", filter=Q(status=ActionStatus.AWAITING_APPROVAL)),
        urgent=Count("pk", filter=urgent),
    )
