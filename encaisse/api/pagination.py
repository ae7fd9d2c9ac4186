"""List endpoints answer one page ``{"items": [...], "next_cursor": "..." | None}``; the client
passes ``next_cursor`` back as ``cursor``. A cursor the API did not write answers 422 on
``query.cursor``. ``id_page`` pages on the id alone; keyset pages in another order come from
the app's selector (see ``encaisse.core.pagination``)."""

from encaisse.core.pagination import take

from .errors import ApiError, invalid_field

NOT_A_CURSOR = "Not a cursor returned by this API."


def invalid_cursor(message: str = NOT_A_CURSOR) -> ApiError:
    return invalid_field("query.cursor", message)


def page(items: list, next_cursor: str | None) -> dict:
    return {"items": items, "next_cursor": next_cursor}


def id_page(queryset, *, cursor: str | None, limit: int, descending: bool = False) -> dict:
    """One page of ``queryset`` by id (ascending, or newest first), after ``cursor``."""
    if cursor:
        try:
            last_id = int(cursor)
        except ValueError:
            raise invalid_cursor() from None
        queryset = queryset.filter(**{"id__lt" if descending else "id__gt": last_id})
    rows, more = take(queryset.order_by("-id" if descending else "id"), limit)
    return page(rows, str(rows[-1].id) if more else None)


def offset_page(queryset, *, cursor: str | None, limit: int, out=lambda row: row) -> dict:
    """One page of an ordered ``queryset`` whose cursor is the position of the next row."""
    offset = 0
    if cursor:
        try:
            offset = int(cursor)
        except ValueError:
            raise invalid_cursor() from None
    rows, more = take(queryset[offset:], limit)
    return page([out(row) for row in rows], str(offset + limit) if more else None)
