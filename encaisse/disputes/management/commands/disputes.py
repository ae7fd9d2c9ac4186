"""``encaisse disputes escalate [--as-of YYYY-MM-DD]``: the daily escalation (the worker runs the
same service each morning).

``encaisse disputes score [--as-of YYYY-MM-DD]``: refresh the customers' abuse scores (the worker
does it each morning) and print how many customers are flagged.

``encaisse disputes import FILE``: register disputes from a CSV file (see
``services/imports.py`` for the columns); on any error nothing is kept, every error is printed
as ``FILE:LINE: column: message`` and the command exits with status 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from encaisse.core.commands import add_as_of, as_of_date
from encaisse.disputes.services import abuse_scores_refresh, disputes_escalate
from encaisse.disputes.services.imports import DisputeImportError, disputes_import


class Command(BaseCommand):
    help = "Disputes: daily escalation, abuse scores, CSV import."
    requires_system_checks = []

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        escalate = subcommands.add_parser(
            "escalate", help="escalate disputes at risk or late", called_from_command_line=False
        )
        add_as_of(escalate)
        score = subcommands.add_parser(
            "score", help="refresh the customers' abuse scores", called_from_command_line=False
        )
        add_as_of(score)
        load = subcommands.add_parser(
            "import", help="register disputes from a CSV file", called_from_command_line=False
        )
        load.add_argument("file")

    def handle(self, *args, **options):
        if options["subcommand"] == "escalate":
            as_of = as_of_date(options["as_of"])
            counts = disputes_escalate(as_of=as_of)
            self.stdout.write(
                _(
                    "Escalation of %(as_of)s: %(owner)s to their owner, %(head)s to the head of "
                    "department, %(manager)s to the credit managers."
                )
                % {
                    "as_of": as_of.isoformat(),
                    "owner": counts[1],
                    "head": counts[2],
                    "manager": counts[3],
                }
            )
            return
        if options["subcommand"] == "score":
            as_of = as_of_date(options["as_of"])
            refresh = abuse_scores_refresh(as_of=as_of)
            self.stdout.write(
                _(
                    "Abuse scores of %(as_of)s: %(customers)s customer(s) scored, "
                    "%(flagged)s flagged."
                )
                % {
                    "as_of": as_of.isoformat(),
                    "customers": refresh.customers,
                    "flagged": refresh.flagged,
                }
            )
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            created = disputes_import(actor=None, path=path)
        except DisputeImportError as error:
            for e in error.errors:
                self.stderr.write(f"{path}:{e.line}: {e.column}: {e.message}")
            raise CommandError(
                _("%(count)s error(s): nothing was imported.") % {"count": len(error.errors)}
            ) from None
        self.stdout.write(
            _("%(count)s dispute(s) registered: %(numbers)s")
            % {"count": len(created), "numbers": ", ".join(d.number for d in created)}
        )
