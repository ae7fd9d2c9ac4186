"""Writes of the correspondence app. Import services from here."""

from .dispatch import action_approve, action_dispatch, dispatch_pending
from .outbox import outbox_claim, outbox_send_due, outbox_send_one
from .templates import template_update

__all__ = [
    "action_approve",
    "action_dispatch",
    "dispatch_pending",
    "outbox_claim",
    "outbox_send_due",
    "outbox_send_one",
    "template_update",
]
