"""Appending to a dispute's timeline. Every service that changes a dispute calls this inside
its transaction."""

from django.utils import timezone

from ..models import Dispute, DisputeEvent


def event_record(
    *,
    dispute: Dispute,
    actor,
    type: str,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        type=type,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        comment=comment,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
