from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from encaisse.core.money import format_amount

register = template.Library()


@register.filter
def money(value):
    """12 345,60 in French, 12,345.60 in English."""
    return format_amount(value, language=get_language() or "fr")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def bucket_label(bucket):
    if bucket.key == "not_due":
        return _("Not yet due")
    if bucket.high is None:
        return _("Over %(days)s days") % {"days": bucket.low - 1}
    return _("%(low)s–%(high)s days") % {"low": bucket.low, "high": bucket.high}
