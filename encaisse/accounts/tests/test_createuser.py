import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from encaisse.accounts.choices import Role
from encaisse.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_creates_a_user_with_a_role():
    out = io.StringIO()
    call_command(
        "createuser",
        "marie",
        "--role",
        "credit_manager",
        "--password",
        "a-long-enough-password",
        "--email",
        "marie@example.fr",
        "--language",
        "en",
        stdout=out,
    )
    marie = User.objects.get(username="marie")
    assert (marie.role, marie.email, marie.language) == (
        Role.CREDIT_MANAGER,
        "marie@example.fr",
        "en",
    )
    assert marie.check_password("a-long-enough-password")
    assert "Created user marie" in out.getvalue()


def test_it_puts_a_department_member_in_a_department():
    call_command(
        "createuser", "paul", "--role", "department_member", "--password", "long-pw-paul",
        "--department", "logistics",
    )  # fmt: skip
    assert User.objects.get(username="paul").department.code == "logistics"


def test_it_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="Unknown role 'boss'"):
        call_command("createuser", "x", "--role", "boss", "--password", "long-enough-pw")
    assert not User.objects.exists()


def test_it_refuses_an_existing_username(read_only):
    with translation.override("fr"), pytest.raises(CommandError, match="romain est déjà pris"):
        call_command("createuser", "romain", "--role", "collector", "--password", "long-pw-123")


def test_it_refuses_an_unknown_department():
    with pytest.raises(CommandError, match="Unknown department 'nope'"):
        call_command(
            "createuser", "x", "--role", "collector", "--password", "long-pw-123",
            "--department", "nope",
        )  # fmt: skip


def test_it_refuses_to_prompt_without_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="no terminal"):
        call_command("createuser", "x", "--role", "collector")


def test_the_console_script_exits_non_zero_with_the_reason_on_stderr(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "encaisse", "createuser", "x", "--role", "boss", "--password", "p"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode != 0
    assert "Unknown role 'boss'" in result.stderr
