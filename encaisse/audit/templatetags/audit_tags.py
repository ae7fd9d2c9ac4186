"""Words for audit entries in templates: ``{% load audit_tags %}``, then
``{{ entry|audit_action }}`` and ``{% for change in entry|audit_changes %}``."""

from django import template

from ..labels import action_label, entry_changes

register = template.Library()


@register.filter
def audit_action(entry) -> str:
    return action_label(entry.action)


@register.filter
def audit_changes(entry) -> list:
    return entry_changes(entry)
