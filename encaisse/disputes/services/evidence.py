"""Attaching evidence to a dispute: size and sniffed type checked, the content stored under
MEDIA_ROOT/disputes/evidence/ with a random name (the original name is only shown), the database
keeping the name, type, size and SHA-256. The row must never point at a missing file, so the
file is written first and removed again if the rows cannot be written."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..choices import EventType
from ..evidence import EXTENSIONS, max_bytes, sniff
from ..models import Dispute, Evidence
from .events import event_record

FOLDER = "disputes/evidence"


def evidence_path(evidence: Evidence) -> str:
    return f"{FOLDER}/{evidence.stored_name}"


def evidence_check(content: bytes) -> str:
    """The sniffed content type of acceptable ``content``; ValidationError on ``file``
    otherwise (empty, too large, not a kind of file evidence may be)."""
    limit = max_bytes()
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    content_type = sniff(content)
    if content_type is None:
        raise ValidationError(
            {"file": _("This kind of file is not accepted (PDF, images, Office documents, text).")}
        )
    return content_type


def evidence_add(
    *, actor, dispute: Dispute, name: str, content: bytes, from_customer: bool = False
) -> Evidence:
    """Keep ``content`` (uploaded as ``name``) as evidence of ``dispute``; ``from_customer``
    when the customer sent it through the portal (then shown there, with its token)."""
    content_type = evidence_check(content)
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    path = default_storage.save(f"{FOLDER}/{stored_name}", ContentFile(content))
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                dispute=dispute,
                original_name=(name or "")[-255:] or stored_name,
                stored_name=path.rsplit("/", 1)[-1],
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                from_customer=from_customer,
            )
            event_record(
                dispute=dispute,
                actor=actor,
                type=EventType.EVIDENCE,
                data={"evidence_id": evidence.pk, "name": evidence.original_name},
            )
    except Exception:
        default_storage.delete(path)
        raise
    return evidence
