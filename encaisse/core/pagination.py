"""Keyset pages: the cursor of a page is the last row's sort key and id, written as URL-safe
base64 of a JSON list (padding stripped), so it can travel in a query string. ``take`` reads one
row more than the page to know whether another page follows. Used by the selectors that page
(customers, the disputes worklist) and by ``encaisse.api.pagination``."""

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
