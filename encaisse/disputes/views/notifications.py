"""The user's in-app notifications about disputes (escalations): a list that marks them read."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import VIEW_DISPUTES
from encaisse.core.access import capability_required

from ..selectors import notifications_of, unread_notification_count
from ..services import notifications_mark_read

LIMIT = 100


@capability_required(VIEW_DISPUTES)
def notifications_view(request):
    """The latest notifications, unread first in bold; the page offers to mark them read."""
    notifications = list(notifications_of(request.user)[:LIMIT])
    return render(
        request,
        "disputes/notifications.html",
        {"notifications": notifications, "unread": sum(1 for n in notifications if not n.read_at)},
    )


@capability_required(VIEW_DISPUTES)
def notifications_count_view(request):
    """The unread count next to the user's name. Every page asks for it with htmx once loaded,
    so that no page pays its query while it renders."""
    return render(
        request,
        "disputes/_notifications_count.html",
        {"unread": unread_notification_count(request.user)},
    )


@require_POST
@capability_required(VIEW_DISPUTES)
def notifications_read_view(request):
    """Mark one notification (``notification``) or all of them read."""
    one = request.POST.get("notification")
    ids = [int(one)] if one and one.isdigit() else None
    notifications_mark_read(user=request.user, ids=ids)
    if one and request.POST.get("next") == "dispute":
        notification = notifications_of(request.user).filter(pk=ids[0]).first()
        if notification is not None:
            return redirect("disputes:detail", notification.dispute_id)
    return redirect("disputes:notifications")
