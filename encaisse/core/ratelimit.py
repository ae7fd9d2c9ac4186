"""A fixed-window rate limit counted in Django's cache (``settings.CACHES``).

Used by the customer portal, whose pages are reachable without a login: each client address
gets ``limit`` requests per ``window`` seconds for a ``scope``; past that the view answers 429.
``cache.add`` then ``cache.incr`` keep the count atomic on Redis and good enough on the file
cache (a lost increment under a race lets one request more through, never fewer)."""

import time
from functools import wraps

from django.core.cache import cache


def client_address(request) -> str:
    # Behind a reverse proxy, the proxy sets REMOTE_ADDR through the WSGI server's config.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
