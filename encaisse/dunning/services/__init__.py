"""Writes of the dunning app. Import services from here."""

from .blocks import block_create, block_release
from .promises import promise_record
from .run import RunResult, dunning_run_generate

__all__ = [
    "RunResult",
    "block_create",
    "block_release",
    "dunning_run_generate",
    "promise_record",
]
