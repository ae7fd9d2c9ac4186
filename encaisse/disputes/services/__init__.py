"""Writes of the disputes app. Import services from here."""

from .abuse import abuse_scores_refresh
from .escalation import disputes_escalate
from .evidence import evidence_add
from .notifications import notifications_mark_read
from .opening import dispute_open, dispute_qualify
from .transitions import (
    dispute_assign,
    dispute_close,
    dispute_comment,
    dispute_reopen,
    dispute_resolve,
    dispute_transition,
)

__all__ = [
    "abuse_scores_refresh",
    "dispute_assign",
    "dispute_close",
    "dispute_comment",
    "dispute_open",
    "dispute_qualify",
    "dispute_reopen",
    "dispute_resolve",
    "dispute_transition",
    "disputes_escalate",
    "evidence_add",
    "notifications_mark_read",
]
