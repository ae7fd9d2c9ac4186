"""Dunning: scenarios of steps around the due date, what stops them (blocks, holds, promises),
the daily run, the actions it creates and the per-invoice state that makes it idempotent.

The run (``services/run.py``) reads open invoices, resolves each customer's scenario
(customer profile > segment mapping > default scenario), finds the most advanced step due for
each invoice and writes, in a few set-based statements, one Action per customer and channel
with one ActionInvoice line per invoice, then moves each invoice's InvoiceDunningState."""

from .base import MONEY
from .rates import ReferenceRate
from .runs import Action, ActionEvent, ActionInvoice, InvoiceDunningState, Run
from .scenarios import CustomerDunningProfile, Scenario, SegmentScenario, Step
from .stops import Block, PromiseInvoice, PromiseToPay

__all__ = [
    "MONEY",
    "Action",
    "ActionEvent",
    "ActionInvoice",
    "Block",
    "CustomerDunningProfile",
    "InvoiceDunningState",
    "PromiseInvoice",
    "PromiseToPay",
    "ReferenceRate",
    "Run",
    "Scenario",
    "SegmentScenario",
    "Step",
]
