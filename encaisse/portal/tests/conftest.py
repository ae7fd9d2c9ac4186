import pytest

from encaisse.correspondence.tests.conftest import smtp_server  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test counts its own requests (rate limits live in the cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
