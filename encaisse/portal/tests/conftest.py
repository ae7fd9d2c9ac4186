from types import SimpleNamespace

import pytest

from encaisse.correspondence.tests.conftest import smtp_server  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _fresh_cache(settings, monkeypatch):
    """Each test counts its own requests (rate limits live in the cache), all in one window of
    the limit: a minute turning between two requests would start the count again."""
    from encaisse.core import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
