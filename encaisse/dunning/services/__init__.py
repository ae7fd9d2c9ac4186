"""Writes of the dunning app. Import services from here."""

from .run import RunResult, dunning_run_generate

__all__ = ["RunResult", "dunning_run_generate"]
