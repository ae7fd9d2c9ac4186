"""One place that decides who reaches what.

Views use ``capability_required``; selectors scope querysets with ``restrict``. A user who lacks a
capability gets 403 on pages; objects they may not see answer 404, like missing ones.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from encaisse.accounts.capabilities import has_capability


def capability_required(*capabilities: str):
    """Decorate a view: anonymous users go to the login page, others need every capability."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            for capability in capabilities:
                if not has_capability(request.user, capability):
                    raise PermissionDenied(capability)
            return view(request, *args, **kwargs)

        wrapped.required_capabilities = capabilities
        return wrapped

    return decorator


def login_only(view):
    """Decorate a view that every signed-in user may open (home, profile, tokens)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.required_capabilities = ()
    return wrapped
