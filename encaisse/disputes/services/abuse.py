"""Refreshing the stored abuse scores (``AbuseScore``): the daily worker job, ``encaisse
disputes score`` and the flagged page's button call ``abuse_scores_refresh``.

The features of every customer are read in one aggregate query (``abuse/features.py``), scored
by the pure rule (``abuse/scoring.py``), and the table is replaced in one transaction (delete,
then ``bulk_create``), so readers see the old scores or the new ones, never half of each."""

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record
from encaisse.core.dates import today

from ..abuse.features import abuse_features
from ..abuse.scoring import Rules, abuse_score
from ..models_abuse import AbuseScore, AbuseSettings

BATCH_SIZE = 5000


@dataclass(frozen=True)
class AbuseRefresh:
    as_of: dt.date
    customers: int
    flagged: int


def abuse_rules(config: AbuseSettings) -> Rules:
    return Rules(
        weights=config.weights(),
        flag_threshold=config.flag_threshold,
        min_disputes=config.min_disputes,
    )


@transaction.atomic
def abuse_scores_refresh(*, as_of: dt.date | None = None) -> AbuseRefresh:
    """Score every customer who raised a dispute in the history considered, as of ``as_of``
    (today), and replace the stored scores."""
    as_of = as_of or today()
    config = AbuseSettings.current()
    rules = abuse_rules(config)
    now = timezone.now()
    scores = []
    for customer_id, features in abuse_features(as_of=as_of, config=config).items():
        result = abuse_score(features, rules)
        scores.append(
            AbuseScore(
                customer_id=customer_id,
                score=result.score,
                flagged=result.flagged,
                disputes=features.disputes,
                reasons=[reason.as_dict() for reason in result.reasons],
                features=asdict(features),
                computed_at=now,
                as_of=as_of,
            )
        )
    AbuseScore.objects.all().delete()
    AbuseScore.objects.bulk_create(scores, batch_size=BATCH_SIZE)
    return AbuseRefresh(
        as_of=as_of, customers=len(scores), flagged=sum(1 for s in scores if s.flagged)
    )


SETTINGS_FIELDS = [
    "flag_threshold",
    "min_disputes",
    "lookback_days",
    "near_due_days",
    "evidence_late_days",
    "not_received_codes",
    *(f"weight_{signal}" for signal in AbuseSettings().weights()),
]


@transaction.atomic
def abuse_settings_update(*, actor, values: dict) -> AbuseSettings:
    """Change the thresholds and weights (``values`` by field name), then score again with
    them, so the flagged list follows at once."""
    if values.get("flag_threshold", 0) > 100:
        raise ValidationError({"flag_threshold": _("The score is out of 100.")})
    config = AbuseSettings.objects.select_for_update().order_by("pk").first() or AbuseSettings()
    if not config.pk:
        config.save()
    changes = {}
    for name in SETTINGS_FIELDS:
        if name in values and values[name] != getattr(config, name):
            changes[name] = {"from": getattr(config, name), "to": values[name]}
            setattr(config, name, values[name])
    config.save()
    if changes:
        audit_record(actor=actor, action="update", instance=config, changes=changes)
        abuse_scores_refresh()
    return config
