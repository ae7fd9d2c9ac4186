"""What the management commands share: the ``--as-of YYYY-MM-DD`` option of the daily jobs."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .dates import today


def add_as_of(parser, help: str = "the date, YYYY-MM-DD (today)") -> None:
    parser.add_argument("--as-of", dest="as_of", help=help)


def as_of_date(text: str | None) -> dt.date:
    """The ``--as-of`` value as a date, today when not given; a CommandError (exit status 1)
    naming the text when it is not YYYY-MM-DD."""
    if not text:
        return today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of expects a date as YYYY-MM-DD, not %(text)r.") % {"text": text}
        ) from None
