"""Writes of the insights app: the DSO settings, in one transaction with an audit row."""

from django.db import transaction

from encaisse.audit.services import audit_record, diff, snapshot

from .models import InsightsSettings
from .selectors import insights_settings_get

FIELDS = ["days_basis", "ratio_months"]


@transaction.atomic
def insights_settings_update(*, actor, days_basis: int, ratio_months: int) -> InsightsSettings:
    """Change the DSO year basis (360 or 365) and the ratio method's window in months; the
    figures follow at once. Called by the DSO page's settings form."""
    settings = InsightsSettings.objects.select_for_update().get(pk=insights_settings_get().pk)
    before = snapshot(settings, FIELDS)
    settings.days_basis, settings.ratio_months = days_basis, ratio_months
    settings.full_clean()
    changes = diff(before, snapshot(settings, FIELDS))
    if changes:
        settings.save()
        audit_record(actor=actor, action="update", instance=settings, changes=changes)
    return settings
