"""``encaisse export aged-balance``: the aged balance as CSV or Excel, for scripts and
accountants.

One row per customer after a header row: ``customer_code, customer_name, balance``, then one
column per ageing bucket of the company (``not_due, days_1_30, days_31_60, days_61_90,
days_over_90`` with the default buckets; other bounds rename them, see ``receivables.exports``).
CSV is UTF-8, comma separated, with a point as decimal separator. Without ``--output`` the
export goes to standard output."""

import datetime as dt
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from encaisse.core.exports import csv_lines, write_csv, write_xlsx
from encaisse.receivables.exports import aged_balance_columns, aged_balance_rows
from encaisse.receivables.selectors import aged_balance


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--as-of: not a date in the form YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = "Export the aged balance (one row per customer) as CSV or Excel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", help="age the open items as of this date, YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="csv (default) or xlsx; default xlsx when --output ends with .xlsx",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, as_of=None, format=None, output=None, **options):
        day = _as_of(as_of)
        if format is None:
            format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        balance = aged_balance(as_of=day)
        columns, rows = aged_balance_columns(balance), aged_balance_rows(balance)
        try:
            if format == "xlsx":
                self._write_xlsx(output, columns, rows)
            elif output:
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    write_csv(stream, columns, rows)
            else:
                for line in csv_lines(columns, rows):
                    self.stdout.write(line, ending="")
        except BrokenPipeError:
            # The reader stopped early (``| head``): not an error of the export.
            sys.stderr.close()
        except OSError as error:
            raise CommandError(f"--output: cannot write {output}: {error.strerror}") from None

    def _write_xlsx(self, output, columns, rows):
        if output:
            write_xlsx(output, columns, rows, title="Aged balance")
            return
        # A workbook is binary: to standard output only when it is redirected to a file or a
        # pipe, through a temporary file (a zip archive needs to seek while it is written).
        binary = getattr(self.stdout._out, "buffer", None)
        if binary is None or binary.isatty():
            raise CommandError("--format xlsx is binary: give --output FILE.xlsx")
        with tempfile.TemporaryFile() as spool:
            write_xlsx(spool, columns, rows, title="Aged balance")
            spool.seek(0)
            shutil.copyfileobj(spool, binary)
        binary.flush()
