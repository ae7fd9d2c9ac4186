"""Reading in-app notifications: the recipient marks them read (the notifications page)."""

from django.db import transaction
from django.utils import timezone

from ..models import Notification


@transaction.atomic
def notifications_mark_read(*, user, ids=None) -> int:
    """Mark ``user``'s unread notifications read (only those in ``ids`` when given); returns
    how many. Another user's notifications are never touched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
