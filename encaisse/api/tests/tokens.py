"""API tokens for tests: ``client.get(url, **bearer(user))`` sends a fresh personal token."""

from encaisse.accounts.choices import TokenScope
from encaisse.accounts.models import ApiToken, hash_token


def make_token(user, scope=TokenScope.READ_WRITE, **extra) -> tuple[ApiToken, str]:
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=user, name="test", scope=scope, token_hash=hash_token(raw), hint=raw[:8], **extra
    )
    return token, raw


def bearer(user, scope=TokenScope.READ_WRITE) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user, scope)[1]}"}
