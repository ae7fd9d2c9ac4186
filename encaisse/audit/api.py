"""``GET /api/v1/audit``: the audit log, newest first, filtered, in keyset pages.

Needs VIEW_AUDIT (administrators and credit managers; a read-only token keeps it)."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from encaisse.accounts.capabilities import VIEW_AUDIT
from encaisse.accounts.models import User
from encaisse.api.access import require
from encaisse.api.errors import error_responses, invalid_field
from encaisse.api.pagination import invalid_cursor, page

from .selectors import AuditFilters, audit_list, audit_page

router = Router(tags=["audit"])

MAX_LIMIT = 500


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str | None = Field(description="The user's username; null for the system.")
    actor_label: str = Field(description="Who it was as recorded: a name, an API token, system.")
    action: str = Field(examples=["update"], description="create, update, delete, import...")
    object_type: str = Field(examples=["customers.customer"])
    object_id: str
    object_repr: str = Field(description="The object's name when the change was made.")
    changes: dict = Field(
        description='Field name to {"from": old, "to": new}.',
        examples=[{"terms_days": {"from": 30, "to": 45}}],
    )

    @staticmethod
    def resolve_actor(entry) -> str | None:
        return entry.actor.get_username() if entry.actor else None


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next (older) page.")


class AuditQuery(Schema):
    object_type: str | None = Field(None, examples=["receivables.invoice"])
    object_id: str | None = None
    actor: str | None = Field(None, description="A username.")
    action: str | None = Field(None, examples=["update"])
    date_from: dt.date | None = Field(None, description="From this day (company time zone).")
    date_to: dt.date | None = Field(None, description="Up to and including this day.")
    q: str | None = Field(
        None, max_length=100, description="Part of the object's name (a customer's holds its code)."
    )


@router.get(
    "",
    response={200: AuditPage, **error_responses(401, 403, 422)},
    summary="List audit log entries",
)
def audit_entries(
    request,
    filters: Query[AuditQuery],
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Who changed what and when, newest first. ``next_cursor`` gives the next page; a page
    costs the same however deep it is."""
    require(request, VIEW_AUDIT)
    f = filters
    actor_id = None
    if f.actor:
        actor_id = User.objects.filter(username=f.actor).values_list("pk", flat=True).first()
        if actor_id is None:
            raise invalid_field("query.actor", "No user with this username.")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise invalid_field("query.date_to", "The end date is before the start date.")
    queryset = audit_list(
        filters=AuditFilters(
            object_type=f.object_type or "",
            object_id=f.object_id or "",
            actor_id=actor_id,
            action=f.action or "",
            date_from=f.date_from,
            date_to=f.date_to,
            text=(f.q or "").strip(),
        )
    )
    try:
        items, next_cursor = audit_page(queryset, cursor=cursor, limit=limit)
    except ValueError:
        raise invalid_cursor() from None
    return page(items, next_cursor)
