"""``encaisse worker`` as real processes against a real SMTP server on loopback: the morning
run's email goes out through the database backend and through RQ (``REDIS_URL``), and a
worker killed (SIGKILL) in the middle of sending leaves the message to be sent exactly once by
the next worker.

Each test migrates its own SQLite file; the worker processes read it through
``DATABASE_URL``."""

import asyncio
import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller

from .factories import free_port

ENCAISSE = [sys.executable, "-m", "encaisse"]
REDIS = "redis://127.0.0.1:6379/13"

SEED = """
import datetime as dt
from decimal import Decimal as D
from encaisse.core.dates import today
from encaisse.customers.models import Contact, Customer
from encaisse.receivables.models import Invoice
c = Customer.objects.create(code='DUP', name='Dupont SA', email='contact@dupont.example')
Contact.objects.create(customer=c, name='Jeanne Martin', email='compta@dupont.example',
                       is_billing_contact=True)
due = today() - dt.timedelta(days=6)  # Standard scenario: the J+5 email is due
Invoice.objects.create(customer=c, number='F1', issue_date=due - dt.timedelta(days=30),
                       due_date=due, amount=D('1200.00'), open_amount=D('1200.00'),
                       source='manual')
"""

QUEUE_ONE = """
from encaisse.correspondence.services import action_dispatch
from encaisse.dunning.services import dunning_run_generate
from encaisse.core.dates import today
(action,) = dunning_run_generate(as_of=today()).run.actions.filter(channel='email')
print(action_dispatch(action=action).pk)
"""

SEND = "from encaisse.correspondence.services import outbox_send_due; outbox_send_due(worker='w1')"


class Inbox:
    """Accepts messages; while ``hang`` is set, a DATA command never gets its answer."""

    def __init__(self):
        self.messages = []
        self.hang = False
        self.data_started = threading.Event()
        self.server = None

    def connection_gone(self) -> bool:
        """The server saw the client of the last DATA go (read from the test's thread)."""
        server = self.server
        return server is not None and (server.transport is None or server.transport.is_closing())

    async def handle_DATA(self, server, session, envelope):
        self.server = server
        self.data_started.set()
        while self.hang:
            await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "451 Connection gone"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("worker") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    _run(["migrate", "--no-input", "-v", "0"], env)
    return path


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    handler.hang = False
    controller.stop()


@pytest.fixture
def env(migrated, tmp_path, inbox) -> dict:
    db = tmp_path / "db.sqlite3"
    shutil.copy(migrated, db)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "ENCAISSE_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(inbox.port),
        "EMAIL_USE_TLS": "",
        "DEFAULT_FROM_EMAIL": "relances@encaisse.example",
    }
    env.pop("REDIS_URL", None)
    _shell(SEED, env)
    env["_db"] = str(db)
    return env


def _run(args, env) -> str:
    result = subprocess.run(ENCAISSE + args, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _shell(code: str, env) -> str:
    return _run(["shell", "--no-imports", "-c", code], env)


def _rows(env, query: str) -> list[tuple]:
    with sqlite3.connect(env["_db"]) as db:
        return db.execute(query).fetchall()


def _outbox(env) -> list[tuple]:
    return _rows(env, "SELECT status, attempts, message_id FROM correspondence_outboxmessage")


def test_the_db_worker_runs_dunning_then_sends_the_email(env, inbox):
    _run(["worker", "--burst"], env)
    (run,) = _rows(env, "SELECT as_of, actions_created FROM dunning_run WHERE dry_run = 0")
    assert run[1] >= 1
    assert [row[:2] for row in _outbox(env)] == [("sent", 1)]
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["compta@dupont.example"]
    assert b"F1" in envelope.content and b"application/pdf" in envelope.content


def test_the_rq_worker_does_the_same_through_redis(env, inbox):
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    env = {**env, "REDIS_URL": REDIS}
    try:
        _run(["worker", "--schedule-once"], env)
        assert client.llen("rq:queue:default") >= 2
        _run(["worker", "--burst"], env)
        assert client.llen("rq:queue:default") == 0
    finally:
        client.flushdb()
    assert [row[:2] for row in _outbox(env)] == [("sent", 1)]
    assert len(inbox.messages) == 1


def test_a_worker_killed_mid_send_leaves_the_message_sent_exactly_once(env, inbox):
    _shell(QUEUE_ONE, env)
    ((status, attempts, message_id),) = _outbox(env)
    assert (status, attempts) == ("queued", 0)

    inbox.hang = True
    worker = subprocess.Popen(
        ENCAISSE + ["shell", "--no-imports", "-c", SEND],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert inbox.data_started.wait(timeout=120), "the worker never reached DATA"
        assert _outbox(env)[0][:2] == ("sending", 1)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    # Released only once the server has seen the connection close: released earlier, the
    # hanging DATA could still find it open and keep the message.
    deadline = time.monotonic() + 30
    while not inbox.connection_gone():
        assert time.monotonic() < deadline, "the server never saw the worker's connection close"
        time.sleep(0.01)
    inbox.hang = False
    assert inbox.messages == []
    assert _outbox(env)[0][:2] == ("sending", 1)  # claimed, never sent, not lost

    # A restarted worker does not touch it while the lease runs...
    _shell(SEND.replace("w1", "w2"), env)
    assert _outbox(env)[0][:2] == ("sending", 1) and inbox.messages == []
    # ... and sends it once the lease has passed (the clock moved on five minutes).
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    _rows(env, f"UPDATE correspondence_outboxmessage SET lease_until = '{past}'")
    _run(["worker", "--burst"], env)
    _shell(SEND.replace("w1", "w3"), env)
    assert _outbox(env) == [("sent", 2, message_id)]
    (envelope,) = inbox.messages
    assert message_id.encode() in envelope.content
