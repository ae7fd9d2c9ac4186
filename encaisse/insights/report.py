"""The monthly management report: a PDF of the month's key figures, the DSO history and the cash
forecast with the same SVG charts as the dashboard, the aged balance by segment, the disputes of
the month with the Pareto of root causes, and dunning effectiveness; in French or English.

Called by ``encaisse report monthly --month YYYY-MM [--language fr|en] --output FILE.pdf``, by
the reports page's "generate now" and by the worker on the 1st (``insights/reports.py``). The
figures are those of the month's last day (or today for the current month). Every figure comes
from the selectors the pages use (``report_sections.py`` only arranges them)."""

import calendar
import datetime as dt

from django.template.loader import render_to_string
from django.utils import translation

from encaisse.company.selectors import company_get
from encaisse.core.dates import today
from encaisse.core.pdf import html_to_pdf

from . import report_sections, tables
from .forecast import cash_forecast
from .queries import Scope
from .selectors import dso_by, dso_series, kpis

LANGUAGES = ("fr", "en")


def month_end(month: str) -> dt.date:
    """The last day of ``YYYY-MM`` (today for the current month); ValueError when malformed."""
    year, number = (int(part) for part in month.split("-"))
    last = dt.date(year, number, calendar.monthrange(year, number)[1])
    return min(last, today())


def monthly_report_html(*, month: str, language: str = "fr") -> str:
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}.")
    as_of = month_end(month)
    first = dt.date(as_of.year, as_of.month, 1)
    scope = Scope()
    with translation.override(language):
        points = dso_series(as_of=as_of, scope=scope, months=12)
        forecast = cash_forecast(as_of=as_of, scope=scope)
        return render_to_string(
            "insights/report/monthly.html",
            {
                "company": company_get(),
                "month": first,
                "as_of": as_of,
                "kpis": kpis(as_of=as_of, scope=scope),
                "points": points,
                "forecast": forecast,
                "segments": dso_by(group="segment", as_of=as_of, scope=scope, limit=20),
                "collectors": dso_by(group="collector", as_of=as_of, scope=scope, limit=20),
                "dso_chart": tables.dso_chart(points),
                "forecast_chart": tables.forecast_chart(forecast),
                "aged": report_sections.aged_by_segment(as_of=as_of),
                "disputes": report_sections.disputes_of_month(first=first, as_of=as_of),
                "dunning": report_sections.dunning_effectiveness(as_of=as_of),
                "language": language,
            },
        )


def monthly_report_pdf(*, month: str, language: str = "fr") -> bytes:
    return html_to_pdf(monthly_report_html(month=month, language=language))
