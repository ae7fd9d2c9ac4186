"""Template tags of the disputes pages: the unread notification count shown in the nav."""

from django import template

from ..selectors import unread_notification_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_dispute_notifications(context) -> int:
    request = context.get("request")
    return unread_notification_count(getattr(request, "user", None))
