"""A fixed-window rate limit counted in Django's cache (``settings.CACHES``).

Used by the customer portal, whose pages are reachable without a login: each client address
gets ``limit`` requests per ``window`` seconds for a ``scope``; past that the view answers 429.
``cache.add`` then ``cache.incr`` keep the count atomic on Redis and good enough on the file
cache (a lost increment under a race lets one request more through, never fewer).

The client address is ``REMOTE_ADDR``, unless the request comes from a trusted reverse proxy
(``ENCAISSE_TRUSTED_PROXIES``: addresses or networks, none by default): then it is read from
``X-Forwarded-For``, from the right, skipping the trusted proxies' own addresses. Anyone can
send that header, so it is believed only from the proxies listed: otherwise a client could
give itself a fresh address on each request and escape the limit."""

import ipaddress
import time
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"ENCAISSE_TRUSTED_PROXIES: {error}") from None


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The address the rate limits count: see the module's docstring."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    # Each proxy appends the address it received the request from: the rightmost address
    # that is not one of our proxies is the client (what is left of it, the client wrote).
    for hop in reversed(forwarded):
        if not _trusted(hop, networks):
            return hop
    return forwarded[0] if forwarded else remote


def hit(*, scope: str, key: str, limit: int, window: int = 60, now: float | None = None) -> bool:
    """Count one request of ``key`` in ``scope``; False once ``limit`` is exceeded."""
    if limit <= 0:
        return True
    slot = int((now if now is not None else time.time()) // window)
    cache_key = f"ratelimit:{scope}:{key}:{slot}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def rate_limited(*, scope: str, limit, window: int = 60, methods=("GET", "POST"), refused=None):
    """View decorator: ``limit`` (an int or a callable returning one, read at each request)
    requests per ``window`` seconds and client address, for the listed methods; ``refused``
    (request) -> response answers the others."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                allowed = hit(
                    scope=scope,
                    key=client_address(request),
                    limit=limit() if callable(limit) else limit,
                    window=window,
                )
                if not allowed:
                    return refused(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
