import datetime as dt

import pytest
from django.utils.module_loading import import_string

from encaisse.core.schedule import SCHEDULE
from encaisse.correspondence.models import Letter, OutboxMessage
from encaisse.correspondence.services import dispatch_pending, outbox_send_due
from encaisse.dunning.services import dunning_run_generate
from encaisse.dunning.tests.factories import make_scenario

from .factories import make_action, make_ledger

pytestmark = pytest.mark.django_db


def test_it_is_scheduled_every_two_minutes():
    jobs = {job.name: job for job in SCHEDULE}
    assert jobs["correspondence"].cron == "*/2 * * * *"
    assert import_string(jobs["correspondence"].task).name == "correspondence_tick"


def test_the_tick_dispatches_then_sends(smtp_server):
    customer, invoices = make_ledger()
    make_action(customer, invoices)
    make_action(customer, invoices, channel="letter", template_code="reminder-letter")
    task = import_string("encaisse.correspondence.tasks.correspondence_tick")
    assert task.call() == {"dispatched": 2, "sent": 1, "queued": 0, "failed": 0}
    assert task.call() == {"dispatched": 0, "sent": 0, "queued": 0, "failed": 0}
    assert len(smtp_server.messages) == 1
    assert (OutboxMessage.objects.count(), Letter.objects.count()) == (1, 1)


def test_the_actions_of_a_run_go_out_once_after_its_commit(smtp_server):
    make_scenario()  # J+5 email (template "email-5": the channel's default template stands in)
    customer, invoices = make_ledger()
    invoices[1].due_date = dt.date(2026, 2, 20)
    invoices[1].save()
    dunning_run_generate(as_of=dt.date(2026, 2, 25))
    assert dispatch_pending(today=dt.date(2026, 2, 25)) == 1
    assert dispatch_pending(today=dt.date(2026, 2, 25)) == 0
    assert outbox_send_due(worker="w1")["sent"] == 1
    message = OutboxMessage.objects.get()
    assert message.template_code == "first-reminder"
    assert message.action.run is not None and message.action.status == "done"
    assert len(smtp_server.messages) == 1
