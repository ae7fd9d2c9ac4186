"""Writes to the reference rate table (ECB main refinancing rate and legal interest rates per
half-year), which the penalties read. Called by the rates page; one transaction, one audit
row. A rate typed in by a person is confirmed unless they say otherwise."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record, diff, snapshot

from ..choices import RateKind
from ..models import ReferenceRate

RATE_FIELDS = ["kind", "starts_on", "rate", "source", "confirmed"]


def _check(*, rate_id, kind, starts_on, rate) -> Decimal:
    errors = {}
    if kind not in RateKind.values:
        errors["kind"] = [_("Unknown kind of rate.")]
    if not isinstance(starts_on, dt.date) or (starts_on.month, starts_on.day) not in {
        (1, 1),
        (7, 1),
    }:
        errors["starts_on"] = [_("A half-year starts on 1 January or 1 July.")]
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not Decimal("-10") < value < Decimal("100"):
        errors["rate"] = [_("Enter a rate in percent, between -10 and 100.")]
    elif value != value.quantize(Decimal("0.001")):
        errors["rate"] = [_("Enter at most three decimals.")]
    if not errors and (
        ReferenceRate.objects.filter(kind=kind, starts_on=starts_on).exclude(pk=rate_id).exists()
    ):
        errors["starts_on"] = [_("This half-year already has a rate of this kind.")]
    if errors:
        raise ValidationError(errors)
    return value


@transaction.atomic
def reference_rate_save(
    *,
    actor,
    reference_rate: ReferenceRate | None = None,
    kind: str,
    starts_on: dt.date,
    rate,
    source: str = "",
    confirmed: bool = True,
) -> ReferenceRate:
    """Add a half-year's rate (``reference_rate`` None) or correct one. Penalties computed
    from now on use it; formal notices already sent keep what they printed."""
    if reference_rate is None:
        row, before = ReferenceRate(), dict.fromkeys(RATE_FIELDS)
    else:
        row = ReferenceRate.objects.select_for_update().get(pk=reference_rate.pk)
        before = snapshot(row, RATE_FIELDS)
    value = _check(rate_id=row.pk, kind=kind, starts_on=starts_on, rate=rate)
    row.kind, row.starts_on, row.rate = kind, starts_on, value
    row.source, row.confirmed = (source or "").strip(), bool(confirmed)
    row.save()
    changes = diff(before, snapshot(row, RATE_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="create" if reference_rate is None else "update",
            instance=row,
            changes=changes,
        )
    return row
