"""The stored reasons of a score (signal code, count, out of, points) as sentences in the
reader's language."""

from django.utils.translation import ngettext

from .scoring import SIGNALS


def reason_text(reason: dict) -> str:
    code, count, of = reason.get("code"), reason.get("count", 0), reason.get("of", 0)
    values = {"count": count, "of": of}
    if code == "unfounded":
        return (
            ngettext(
                "%(count)s of %(of)s settled dispute resolved as unfounded",
                "%(count)s of %(of)s settled disputes resolved as unfounded",
                of,
            )
            % values
        )
    if code == "after_dunning":
        return (
            ngettext(
                "%(count)s of %(of)s dispute raised only after reminders or a formal notice",
                "%(count)s of %(of)s disputes raised only after reminders or a formal notice",
                of,
            )
            % values
        )
    if code == "near_due":
        return (
            ngettext(
                "%(count)s of %(of)s dispute raised at the due date",
                "%(count)s of %(of)s disputes raised at the due date",
                of,
            )
            % values
        )
    if code == "whole_no_evidence":
        return (
            ngettext(
                "%(count)s of %(of)s dispute on the whole amount without evidence",
                "%(count)s of %(of)s disputes on the whole amount without evidence",
                of,
            )
            % values
        )
    if code == "not_received":
        return (
            ngettext(
                '%(count)s "invoice not received" claim',
                '%(count)s "invoice not received" claims',
                count,
            )
            % values
        )
    if code == "confirmed":
        return (
            ngettext(
                "%(count)s dispute on an invoice confirmed on a courtesy call",
                "%(count)s disputes on invoices confirmed on a courtesy call",
                count,
            )
            % values
        )
    if code == "late_evidence":
        return (
            ngettext(
                "%(count)s of %(of)s dispute with evidence late or never provided",
                "%(count)s of %(of)s disputes with evidence late or never provided",
                of,
            )
            % values
        )
    return str(code)


def reasons_display(reasons: list[dict]) -> list[dict]:
    """The reasons with their sentence (``text``), in the stored order (largest first)."""
    return [
        {**reason, "text": reason_text(reason)}
        for reason in reasons
        if reason.get("code") in SIGNALS
    ]
