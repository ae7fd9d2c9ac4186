"""Builders for the worklist tests: a call action on some invoices, due today by default."""

import datetime as dt
from decimal import Decimal

from encaisse.core.dates import today
from encaisse.dunning.choices import ActionSource, ActionStatus, Channel
from encaisse.dunning.models import Action, ActionInvoice


def make_action(
    customer,
    invoices,
    *,
    channel=Channel.CALL,
    status=ActionStatus.PLANNED,
    source=ActionSource.SCENARIO,
    due_on=None,
    assigned_to=None,
    **extra,
) -> Action:
    action = Action.objects.create(
        customer=customer,
        source=source,
        channel=channel,
        status=status,
        due_on=due_on or today(),
        assigned_to=assigned_to,
        total=sum((Decimal(i.open_amount) for i in invoices), start=Decimal(0)),
        **extra,
    )
    ActionInvoice.objects.bulk_create(
        ActionInvoice(action=action, invoice=i, amount_due=i.open_amount) for i in invoices
    )
    return action


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)
