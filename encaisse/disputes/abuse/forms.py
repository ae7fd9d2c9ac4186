from django import forms

from ..models_abuse import AbuseSettings

WEIGHT_FIELDS = [
    "weight_unfounded",
    "weight_after_dunning",
    "weight_near_due",
    "weight_whole_no_evidence",
    "weight_not_received",
    "weight_confirmed",
    "weight_late_evidence",
]


class AbuseSettingsForm(forms.ModelForm):
    class Meta:
        model = AbuseSettings
        fields = [
            "flag_threshold",
            "min_disputes",
            "lookback_days",
            "near_due_days",
            "evidence_late_days",
            "not_received_codes",
            *WEIGHT_FIELDS,
        ]
