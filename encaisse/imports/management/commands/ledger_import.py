"""``encaisse import FILE``: import a FEC, CSV or Excel file into the ledger from the shell.

Exit status 0 with a summary on stdout when the file is applied (or dry-run); otherwise a
non-zero status with the error (file, line, column, expected, found) on stderr. The work is
``imports.services.import_file``, the same as the upload page and the API."""

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from encaisse.core.money import format_amount
from encaisse.imports.choices import BatchStatus, ImportMode
from encaisse.imports.services import import_file

MAX_LISTED_ERRORS = 50


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of expects a date as YYYY-MM-DD, not %(text)r.") % {"text": text}
        )


def _mapping(path: str | None) -> dict | None:
    if not path:
        return None
    try:
        mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(
            _("Cannot read the mapping %(path)s: %(error)s") % {"path": path, "error": error}
        )
    except ValueError as error:
        raise CommandError(
            _("The mapping %(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}
        )
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise CommandError(
            _('The mapping %(path)s must be a JSON object such as {"number": "Pièce"}.')
            % {"path": path}
        )
    return mapping


class Command(BaseCommand):
    help = "Import a FEC, CSV or Excel file of open items (or customers) into the ledger."
    # Django's system checks load every URLconf, view and API module (WeasyPrint, ninja...):
    # a second or more of start-up for nothing here. ``encaisse check`` runs them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--format", default="auto", choices=["auto", "fec", "csv", "xlsx"])
        parser.add_argument("--mapping", help="a JSON file mapping fields to column headers")
        parser.add_argument("--as-of", dest="as_of", help="the date of the file (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change")
        parser.add_argument("--skip-bad-rows", action="store_true", help="import the good rows")
        parser.add_argument("--mode", choices=ImportMode.values, help="default: snapshot")
        parser.add_argument("--user", help="the username the import is recorded for")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No user named %(name)s.") % {"name": options["user"]})
        batch = import_file(
            actor=actor,
            path=path,
            file_name=path.name,
            format=options["format"],
            mapping=_mapping(options["mapping"]),
            as_of=_date(options["as_of"]) if options["as_of"] else None,
            dry_run=options["dry_run"],
            skip_bad_rows=options["skip_bad_rows"],
            mode=options["mode"],
        )
        if batch.status == BatchStatus.FAILED:
            lines = [batch.error_message]
            lines += [error["message"] for error in batch.errors[1:MAX_LISTED_ERRORS]]
            raise CommandError("\n".join(lines), returncode=1)
        self.stdout.write("\n".join(summary(batch)))


def summary(batch) -> list[str]:
    status = _("dry run, nothing was written") if batch.dry_run else _("applied")
    lines = [
        _("%(file)s (%(format)s, %(mode)s, as of %(as_of)s): %(status)s, batch %(id)s")
        % {
            "file": batch.file_name,
            "format": batch.format,
            "mode": batch.mode,
            "as_of": batch.as_of.isoformat(),
            "status": status,
            "id": batch.pk,
        },
        _("  lines read: %(read)s, rejected: %(rejected)s")
        % {"read": batch.rows_read, "rejected": batch.rows_rejected},
        _(
            "  invoices: %(created)s created, %(updated)s updated, %(same)s unchanged, "
            "%(settled)s settled"
        )
        % {
            "created": batch.invoices_created,
            "updated": batch.invoices_updated,
            "same": batch.invoices_unchanged,
            "settled": batch.invoices_settled,
        },
        _("  payments: %(created)s created, %(updated)s updated, %(settled)s settled")
        % {
            "created": batch.payments_created,
            "updated": batch.payments_updated,
            "settled": batch.payments_settled,
        },
        _("  customers: %(created)s created, %(updated)s updated")
        % {"created": batch.customers_created, "updated": batch.customers_updated},
    ]
    if batch.file_totals:
        lines.append(
            _("  open amount in the file: %(file)s, in the ledger: %(ledger)s")
            % {
                "file": format_amount(batch.file_totals["overall"], language="en"),
                "ledger": format_amount(batch.imported_totals.get("overall", "0"), language="en"),
            }
        )
    for warning in batch.warning_messages():
        lines.append("  " + warning)
    for error in batch.errors[:MAX_LISTED_ERRORS]:
        lines.append(_("  rejected: %(message)s") % {"message": error["message"]})
    if batch.rows_rejected > MAX_LISTED_ERRORS:
        lines.append(
            _("  ... and %(count)s more rejected rows (see the batch page)")
            % {"count": batch.rows_rejected - MAX_LISTED_ERRORS}
        )
    return lines
