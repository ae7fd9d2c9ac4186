"""Keyset pages: the cursor of a page is the last row's sort key and id, written as URL-safe
base64 of a JSON list (padding stripped), so it can travel in a query string. ``take`` reads one
row more than the page to know whether another page follows. Used by the selectors that page
(customers, the disputes worklist, the audit log), by ``encaisse.api.pagination`` and, through
``page_for_request``, by the list pages."""

import base64
import json


def encode_cursor(values: list) -> str:
    """``[key..., id]`` -> an opaque cursor for a query string."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    """The list ``encode_cursor`` wrote; raises ValueError for anything else."""
    padded = cursor + "=" * (-len(cursor) % 4)
    values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(values, list):
        raise ValueError(f"not a cursor: {cursor!r}")
    return values


def take(queryset, limit: int) -> tuple[list, bool]:
    """The first ``limit`` rows and whether there are more after them."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def page_for_request(request, read_page, invalid: type[Exception]):
    """What a list page shows: the page after ``?cursor=`` when ``read_page(cursor)`` accepts it,
    else the first one (a stale or edited link); with the cursor used and the query string
    without it, for the "next" link. Returns ``(page, cursor, query)``."""
    cursor = request.GET.get("cursor") or None
    try:
        page = read_page(cursor)
    except invalid:
        cursor = None
        page = read_page(None)
    query = request.GET.copy()
    query.pop("cursor", None)
    return page, cursor, query
