"""The customer's secure links: signed tokens (``django.core.signing``, HMAC over SECRET_KEY)
that carry what the link opens, expire after ``PORTAL_LINK_DAYS`` days and cannot be altered.

Three kinds, each with its own salt so a token of one kind never opens another:

- ``dispute``: a dispute and its customer (the dispute page: status, timeline, messages,
  evidence);
- ``raise``: a customer and the invoices a reminder was about (the page to raise a dispute);
- ``satisfaction``: a satisfaction follow-up (the rating page).

The token is the only credential: whoever holds the link sees what it opens, and nothing else
(the views fetch through ``portal.selectors`` scoped by the token's customer). Pure module:
no model import, so correspondence can build links without an import cycle."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALTS = {
    "dispute": "encaisse.portal.dispute",
    "raise": "encaisse.portal.raise",
    "satisfaction": "encaisse.portal.satisfaction",
}
DEFAULT_LINK_DAYS = 60


class LinkExpired(Exception):
    """A genuine link past its lifetime: the page says so and how to get a new one."""


class LinkInvalid(Exception):
    """A token that was not signed by us or was altered: answered like a missing page."""


@dataclass(frozen=True)
class Claims:
    kind: str
    customer_id: int
    dispute_id: int | None = None
    invoice_ids: tuple[int, ...] = ()
    satisfaction_id: int | None = None


def link_days() -> int:
    return int(getattr(settings, "PORTAL_LINK_DAYS", DEFAULT_LINK_DAYS))


def make(kind: str, **payload) -> str:
    return signing.dumps(payload, salt=SALTS[kind], compress=True)


def read(kind: str, token: str) -> Claims:
    """The claims of a ``kind`` token; LinkExpired or LinkInvalid otherwise."""
    try:
        data = signing.loads(token, salt=SALTS[kind], max_age=dt.timedelta(days=link_days()))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        return Claims(
            kind=kind,
            customer_id=int(data["c"]),
            dispute_id=int(data["d"]) if "d" in data else None,
            invoice_ids=tuple(int(i) for i in data.get("i", [])),
            satisfaction_id=int(data["s"]) if "s" in data else None,
        )
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


def dispute_token(*, dispute_id: int, customer_id: int) -> str:
    return make("dispute", d=dispute_id, c=customer_id)


def raise_token(*, customer_id: int, invoice_ids) -> str:
    return make("raise", c=customer_id, i=sorted({int(i) for i in invoice_ids}))


def satisfaction_token(*, satisfaction_id: int, dispute_id: int, customer_id: int) -> str:
    return make("satisfaction", s=satisfaction_id, d=dispute_id, c=customer_id)


def absolute(path: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def dispute_link(*, dispute_id: int, customer_id: int) -> str:
    token = dispute_token(dispute_id=dispute_id, customer_id=customer_id)
    return absolute(reverse("portal:dispute", args=[token]))


def raise_link(*, customer_id: int, invoice_ids) -> str:
    token = raise_token(customer_id=customer_id, invoice_ids=invoice_ids)
    return absolute(reverse("portal:raise", args=[token]))


def satisfaction_link(*, satisfaction_id: int, dispute_id: int, customer_id: int) -> str:
    token = satisfaction_token(
        satisfaction_id=satisfaction_id, dispute_id=dispute_id, customer_id=customer_id
    )
    return absolute(reverse("portal:satisfaction", args=[token]))
