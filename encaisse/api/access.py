from django.core.exceptions import PermissionDenied

from .auth import token_capabilities


def require(request, capability: str) -> None:
    """Refuse (403, in the common error shape) unless the token may ``capability``."""
    if capability not in token_capabilities(request):
        raise PermissionDenied(capability)
