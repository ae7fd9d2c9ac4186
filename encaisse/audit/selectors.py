"""Reads over the audit log: one object's history, and the log page and API.

The log is the one table that only grows: at a few million rows, pages are read in keyset order
on ``(at, id)`` (the ``at`` index gives the order, the id breaks ties), never with an OFFSET or a
COUNT, so the thousandth page costs what the first does."""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from encaisse.core.pagination import take

from .models import AuditEntry

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def audit_history_for(instance: models.Model, *, limit: int = 50) -> list[AuditEntry]:
    """The latest changes to ``instance``, newest first, for its page's "History" section."""
    return list(
        AuditEntry.objects.filter(
            object_type=instance._meta.label_lower, object_id=str(instance.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass(frozen=True)
class AuditFilters:
    """What the log page and ``GET /api/v1/audit`` filter on; ``None`` or empty means any."""

    object_type: str = ""
    object_id: str = ""
    actor_id: int | None = None
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the company's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_list(*, filters: AuditFilters):
    """The entries ``filters`` select, newest first. Callers check VIEW_AUDIT: the log is
    company-wide, every holder of the capability sees all of it."""
    queryset = AuditEntry.objects.select_related("actor")
    f = filters
    if f.object_type:
        queryset = queryset.filter(object_type=f.object_type)
    if f.object_id:
        queryset = queryset.filter(object_id=f.object_id)
    if f.actor_id is not None:
        queryset = queryset.filter(actor_id=f.actor_id)
    if f.action:
        queryset = queryset.filter(action=f.action)
    if f.date_from:
        queryset = queryset.filter(at__gte=_start_of(f.date_from))
    if f.date_to:
        queryset = queryset.filter(at__lt=_start_of(f.date_to + dt.timedelta(days=1)))
    if f.text:
        # The object's name as it was when the change was made: a customer's holds its code, an
        # invoice's is its number. On PostgreSQL a trigram index answers it (migration 0003).
        queryset = queryset.filter(object_repr__icontains=f.text)
    return queryset.order_by("-at", "-id")


def cursor_for(entry: AuditEntry) -> str:
    """``<microseconds since 1970>.<id>``: the sort key of the last entry of a page."""
    return f"{(entry.at - EPOCH) // MICROSECOND}.{entry.pk}"


def _parse_cursor(cursor: str) -> tuple[dt.datetime, int]:
    micros, dot, last_id = cursor.partition(".")
    if not dot:
        raise ValueError(f"not a cursor: {cursor!r}")
    return EPOCH + int(micros) * MICROSECOND, int(last_id)


def audit_page(queryset, *, cursor: str | None, limit: int) -> tuple[list[AuditEntry], str | None]:
    """One page of ``audit_list`` after ``cursor`` and the cursor of the next page (or None).

    Raises ValueError for a cursor this module did not write."""
    if cursor:
        at, last_id = _parse_cursor(cursor)
        # The redundant <= lets the database seek the ``at`` index to the cursor.
        queryset = queryset.filter(Q(at__lte=at) & (Q(at__lt=at) | Q(id__lt=last_id)))
    rows, more = take(queryset, limit)
    return rows, (cursor_for(rows[-1]) if more else None)
