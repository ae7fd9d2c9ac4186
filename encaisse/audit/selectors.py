"""Reads over the audit log: one object's history, and the log page."""

from django.db import models

from .models import AuditEntry


def audit_history_for(instance: models.Model, *, limit: int = 50) -> list[AuditEntry]:
    """The latest changes to ``instance``, newest first, for its page's "History" section."""
    return list(
        AuditEntry.objects.filter(
            object_type=instance._meta.label_lower, object_id=str(instance.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
