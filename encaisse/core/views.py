from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from encaisse.accounts.capabilities import MANAGE_SETTINGS, VIEW_LEDGER, has_capability

from .access import login_only


@login_only
def home(request):
    """The receivables at a glance for ledger users; a short welcome for the others."""
    context = {}
    if has_capability(request.user, VIEW_LEDGER):
        from encaisse.receivables.home import home_summary

        context["summary"] = home_summary()
    if has_capability(request.user, MANAGE_SETTINGS):
        # Those who keep the rate table hear of a missing ECB rate before letters wait for it.
        from encaisse.dunning.selectors import rate_gap

        context["rate_gap"] = rate_gap()
        context["can_edit_rates"] = True
    return render(request, "core/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
