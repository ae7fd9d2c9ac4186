"""Editing templates and marking letters printed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from encaisse.audit.services import audit_record

from ..models import Letter, Template
from ..rendering import ENGINE


def template_update(*, template: Template, actor, subject: str, body: str) -> Template:
    """Save a template's subject and body after checking they compile (ValidationError naming
    the field otherwise)."""
    errors = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            ENGINE.from_string(source)
        except Exception as error:  # any compile error is the user's to fix
            errors[field] = str(error)
    if errors:
        raise ValidationError(errors)
    changes = {}
    if template.subject != subject:
        changes["subject"] = [template.subject, subject]
    if template.body != body:
        changes["body"] = [template.body, body]
    with transaction.atomic():
        template.subject, template.body = subject, body
        template.save(update_fields=["subject", "body", "updated_at"])
        audit_record(actor=actor, action="update", instance=template, changes=changes)
    return template


def letters_mark_printed(*, letter_ids: list[int], actor) -> int:
    """Record that these letters were downloaded for printing; returns how many changed."""
    with transaction.atomic():
        return Letter.objects.filter(pk__in=letter_ids, printed_at__isnull=True).update(
            printed_at=timezone.now(), printed_by=actor
        )
