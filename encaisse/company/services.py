"""Writes to the company settings and the customer segments, each in one transaction with an
audit row. Called by the settings pages and by ``PATCH /api/v1/company``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.audit.services import audit_record, diff, snapshot
from encaisse.customers.models import Segment
from encaisse.customers.validators import (
    compact_identifier,
    validate_siren,
    validate_vat_number,
)

from .models import Company, TermsKindChoices, validate_bucket_bounds
from .selectors import company_get

COMPANY_FIELDS = [
    "name",
    "legal_form",
    "siren",
    "vat_number",
    "address",
    "email",
    "phone",
    "default_terms_kind",
    "default_terms_days",
    "aging_bucket_bounds",
]
MAX_TERMS_DAYS = 365
SEGMENT_FIELDS = ["code", "name"]


def _check_company(company: Company) -> None:
    """What the model's own validation does not say: identifiers, terms, bucket values."""
    errors = {}
    for name, validate in (("siren", validate_siren), ("vat_number", validate_vat_number)):
        value = getattr(company, name)
        if value:
            try:
                validate(value)
            except ValidationError as error:
                errors[name] = error.messages
    if company.default_terms_kind not in TermsKindChoices.values:
        errors["default_terms_kind"] = [
            _("Unknown payment terms %(kind)s. Choose one of: %(kinds)s.")
            % {"kind": company.default_terms_kind, "kinds": ", ".join(TermsKindChoices.values)}
        ]
    try:
        validate_bucket_bounds(company.aging_bucket_bounds)
    except ValidationError as error:
        errors["aging_bucket_bounds"] = error.messages
    days = company.default_terms_days
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_TERMS_DAYS:
        errors["default_terms_days"] = [
            _("Enter a number of days between 0 and %(max)s.") % {"max": MAX_TERMS_DAYS}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def company_update(*, actor, **fields) -> Company:
    """Change the company's letterhead, default payment terms or ageing buckets.

    ``fields`` are any of ``COMPANY_FIELDS``; the others are left as they are. SIREN and VAT
    numbers are stored without spaces. Bad values raise a ValidationError keyed by field name and
    change nothing. The next imports and invoices take the new default terms; the aged balance
    takes the new buckets at once. Returns the saved company."""
    unknown = sorted(set(fields) - set(COMPANY_FIELDS))
    if unknown:
        raise TypeError(f"company_update() got unknown settings: {', '.join(unknown)}")
    company = Company.objects.select_for_update().get(pk=company_get().pk)
    before = snapshot(company, COMPANY_FIELDS)
    for name, value in fields.items():
        if name in ("siren", "vat_number") and isinstance(value, str):
            value = compact_identifier(value)
        elif isinstance(value, str) and name != "address":
            value = value.strip()
        setattr(company, name, value)
    _check_company(company)
    company.full_clean()
    changes = diff(before, snapshot(company, COMPANY_FIELDS))
    if changes:
        company.save()
        audit_record(actor=actor, action="update", instance=company, changes=changes)
    return company


# Segments -------------------------------------------------------------------------------------


@transaction.atomic
def segment_create(*, actor, code: str, name: str) -> Segment:
    """Add a customer segment (key accounts, SMEs, public sector...)."""
    segment = Segment(code=(code or "").strip(), name=(name or "").strip())
    segment.full_clean()
    segment.save()
    audit_record(
        actor=actor,
        action="create",
        instance=segment,
        changes={k: {"from": None, "to": v} for k, v in snapshot(segment, SEGMENT_FIELDS).items()},
    )
    return segment


@transaction.atomic
def segment_update(*, actor, segment: Segment, data: dict) -> Segment:
    """Rename a segment or change its code."""
    current = Segment.objects.select_for_update().get(pk=segment.pk)
    before = snapshot(current, SEGMENT_FIELDS)
    for name in SEGMENT_FIELDS:
        if name in data:
            setattr(current, name, (data[name] or "").strip())
    current.full_clean()
    changes = diff(before, snapshot(current, SEGMENT_FIELDS))
    if changes:
        current.save()
        audit_record(actor=actor, action="update", instance=current, changes=changes)
    return current


@transaction.atomic
def segment_delete(*, actor, segment: Segment) -> None:
    """Delete a segment no customer belongs to. A segment in use is refused: deleting it would
    silently take those customers out of their dunning approach."""
    current = Segment.objects.select_for_update().get(pk=segment.pk)
    used_by = current.customers.count()
    if used_by:
        raise ValidationError(
            ngettext(
                "The segment %(name)s is used by %(count)s customer: move it to another "
                "segment first.",
                "The segment %(name)s is used by %(count)s customers: move them to another "
                "segment first.",
                used_by,
            )
            % {"name": current.name, "count": used_by},
            code="in_use",
        )
    audit_record(
        actor=actor,
        action="delete",
        instance=current,
        changes={k: {"from": v, "to": None} for k, v in snapshot(current, SEGMENT_FIELDS).items()},
    )
    current.delete()
