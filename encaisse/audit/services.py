"""Recording changes. Every service that changes customers, invoices or settings calls these."""

from decimal import Decimal

from django.db import models

from .models import AuditEntry


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(instance: models.Model, fields) -> dict:
    """The values of ``fields`` now, to diff against after a change."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }


def audit_record(
    *, actor, action: str, instance: models.Model, changes: dict | None = None, label: str = ""
) -> AuditEntry:
    """Append an audit row for ``instance``. Call inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label or (str(user) if user else "system"),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=changes or {},
    )
