"""``encaisse export kpis``: the insights KPIs as JSON, for scripts and monitoring.

Prints one object: ``as_of``, ``receivables``, ``overdue``, ``overdue_share``, ``disputed``,
``disputed_share_of_overdue``, ``dso_ratio``, ``dso_countback``, ``dso_countback_complete``,
``average_days_late``, ``days_basis`` and ``ratio_months``. Amounts, days and percentages are
strings (exact decimals); a figure that has no meaning (no revenue, nothing settled) is null."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from encaisse.insights.queries import Scope
from encaisse.insights.selectors import kpis


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--as-of: not a date in the form YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = "Print the receivables KPIs (receivables, overdue, disputed, DSO both ways) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the figures on this date, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json"], default="json", help="json (default)")
        parser.add_argument("--segment", type=int, help="only the customers of this segment id")
        parser.add_argument("--collector", type=int, help="only this collector's customers (id)")

    def handle(self, *args, as_of=None, segment=None, collector=None, **options):
        figures = kpis(as_of=_as_of(as_of), scope=Scope(segment_id=segment, collector_id=collector))
        self.stdout.write(json.dumps(figures.as_json(), indent=2))
