"""Writes of the dunning app. Import services from here."""

from .blocks import block_create, block_release
from .calls import (
    action_approval_record,
    action_manual_create,
    call_outcome_record,
    customer_note_add,
)
from .promises import promise_record
from .run import RunResult, dunning_run_generate

__all__ = [
    "RunResult",
    "action_approval_record",
    "action_manual_create",
    "call_outcome_record",
    "customer_note_add",
    "block_create",
    "block_release",
    "dunning_run_generate",
    "promise_record",
]
