"""``encaisse createuser USERNAME --role ROLE``: create a user from the shell.

The password comes from ``--password`` or, when omitted, is asked twice at the prompt (never
echoed). Exits non-zero with the reason on stderr for an unknown role, a username already
taken, an unknown department or a password the validators refuse."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from encaisse.accounts.choices import Language, Role
from encaisse.accounts.models import Department
from encaisse.accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user with a role (admin, credit_manager, collector, ...)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--password", help="Asked at the prompt when omitted.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--language", default=Language.FRENCH, choices=Language.values)
        parser.add_argument("--department", help="Department code (for department members).")

    def handle(self, *args, username, role, password, email, language, department, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Choose one of: {', '.join(Role.values)}.")
        found = None
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                codes = ", ".join(Department.objects.values_list("code", flat=True))
                raise CommandError(f"Unknown department {department!r}. Known: {codes}.")
        if password is None:
            password = self._prompt_password()
        try:
            user = user_create(
                actor=None,
                username=username,
                role=role,
                password=password,
                email=email,
                first_name=options["first_name"],
                last_name=options["last_name"],
                department=found,
                language=language,
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from None
        self.stdout.write(f"Created user {user.username} ({user.get_role_display()}).")

    def _prompt_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("No --password given and no terminal to ask for one.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
    )
