"""Personal API tokens: ``Authorization: Bearer enc_...``. Only the SHA-256 is stored."""

from django.utils import timezone
from ninja.security import HttpBearer

from encaisse.accounts.capabilities import READ_CAPABILITIES, capabilities_of
from encaisse.accounts.choices import TokenScope
from encaisse.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found


def token_capabilities(request) -> frozenset[str]:
    """What this request may do: the owner's role, narrowed by the token's scope."""
    caps = capabilities_of(request.user)
    token = getattr(request, "api_token", None)
    if token is not None and token.scope == TokenScope.READ:
        caps = caps & READ_CAPABILITIES
    return caps
