"""Plain rules behind the settings page: reading ageing buckets typed as text, and showing what
each kind of payment terms does to an invoice date. No database here."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.core.dates import TermsKind, due_date_for

MAX_BUCKETS = 10
MAX_BUCKET_DAYS = 3650

TERMS_EXPLANATIONS = {
    TermsKind.NET: gettext_lazy("The invoice date plus N days."),
    TermsKind.END_OF_MONTH: gettext_lazy(
        "The invoice date plus N days, then the end of that month (“45 jours fin de mois”)."
    ),
    TermsKind.END_OF_MONTH_THEN: gettext_lazy(
        "The end of the invoice's month, then N days (“fin de mois le 10” with N = 10)."
    ),
}


def parse_bucket_bounds(text: str) -> list[int]:
    """``"30, 60, 90"`` -> ``[30, 60, 90]``: the upper bounds of the overdue buckets, in days.

    Commas, semicolons or spaces separate the numbers; the order typed does not matter. Raises
    ValueError with a message for the person who typed it."""
    parts = [p for p in re.split(r"[\s,;]+", text or "") if p]
    if not parts:
        raise ValueError(_("Enter at least one number of days, such as 30, 60, 90."))
    bounds = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(_("“%(value)s” is not a whole number of days.") % {"value": part})
        bounds.append(int(part))
    if any(b <= 0 or b > MAX_BUCKET_DAYS for b in bounds):
        raise ValueError(
            _("Each bound must be between 1 and %(max)s days.") % {"max": MAX_BUCKET_DAYS}
        )
    if len(set(bounds)) != len(bounds):
        raise ValueError(_("Each bound may appear only once."))
    if len(bounds) > MAX_BUCKETS:
        raise ValueError(_("At most %(max)s bounds.") % {"max": MAX_BUCKETS})
    return sorted(bounds)


def format_bucket_bounds(bounds) -> str:
    return ", ".join(str(b) for b in bounds)


@dataclass(frozen=True)
class TermsExample:
    kind: str
    label: str
    explanation: str
    issue_date: dt.date
    due_date: dt.date


def terms_examples(*, issue_date: dt.date, days: int) -> list[TermsExample]:
    """The due date each kind of terms gives an invoice of ``issue_date`` with ``days``."""
    from .models import TermsKindChoices

    return [
        TermsExample(
            kind=kind,
            label=str(label),
            explanation=str(TERMS_EXPLANATIONS[kind]),
            issue_date=issue_date,
            due_date=due_date_for(issue_date, kind=kind, days=days),
        )
        for kind, label in TermsKindChoices.choices
    ]
