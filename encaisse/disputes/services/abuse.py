"""Refreshing the stored abuse scores (``AbuseScore``): the daily worker job, ``encaisse
disputes score`` and the flagged page's button call ``abuse_scores_refresh``.

The features of every customer are read in one aggregate query (``abuse/features.py``), scored
by the pure rule (``abuse/scoring.py``), and the table is replaced in one transaction (delete,
then a batched insert), so readers see the old scores or the new ones, never half of each."""

import datetime as dt
import json
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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


COLUMNS = "customer_id, score, flagged, disputes, reasons, features, computed_at, as_of"


def _insert_scores(rows: list[tuple], *, computed_at, as_of: dt.date) -> None:
    """Insert the scores with COPY (PostgreSQL) or ``executemany``: ``bulk_create`` spent most
    of a refresh at 100k customers preparing each field of each model instance."""
    table = AbuseScore._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, computed_at, as_of))
            return
        stamp = connection.ops.adapt_datetimefield_value(computed_at)
        day = connection.ops.adapt_datefield_value(as_of)
        marks = ", ".join(["%s"] * 8)
        statement = f"INSERT INTO {table} ({COLUMNS}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                statement, [(*row, stamp, day) for row in rows[start : start + BATCH_SIZE]]
            )


@transaction.atomic
def abuse_scores_refresh(*, as_of: dt.date | None = None) -> AbuseRefresh:
    """Score every customer who raised a dispute in the history considered, as of ``as_of``
    (today), and replace the stored scores."""
    as_of = as_of or today()
    config = AbuseSettings.current()
    rules = abuse_rules(config)
    now = timezone.now()
    rows, flagged = [], 0
    for customer_id, features in abuse_features(as_of=as_of, config=config).items():
        result = abuse_score(features, rules)
        flagged += result.flagged
        rows.append(
            (
                customer_id,
                result.score,
                result.flagged,
                features.disputes,
                json.dumps([reason.as_dict() for reason in result.reasons]),
                json.dumps(asdict(features)),
            )
        )
    AbuseScore.objects.all().delete()
    _insert_scores(rows, computed_at=now, as_of=as_of)
    return AbuseRefresh(as_of=as_of, customers=len(rows), flagged=flagged)


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
