"""Reads of the correspondence app."""

from django.shortcuts import get_object_or_404

from encaisse.dunning.choices import Channel

from .models import Letter, OutboxMessage, Template

# The template used when an action's own code has none (a scenario step whose template was
# renamed, a manual action, an email turned into a letter for want of an address).
CHANNEL_DEFAULTS = {
    Channel.EMAIL: "first-reminder",
    Channel.LETTER: "reminder-letter",
    Channel.FORMAL_NOTICE: "formal-notice",
}


class TemplateMissing(LookupError):
    pass


def template_for(*, code: str, channel: str, language: str) -> Template:
    """The template ``code`` in ``language`` if it exists for ``channel``, else the channel's
    default template in that language, else either of them in any language."""
    codes = [c for c in (code, CHANNEL_DEFAULTS.get(channel)) if c]
    candidates = {
        (t.code, t.language): t for t in Template.objects.filter(code__in=codes, channel=channel)
    }
    for wanted in codes:
        if (wanted, language) in candidates:
            return candidates[(wanted, language)]
    for wanted in codes:
        for (c, _lang), template in sorted(candidates.items()):
            if c == wanted:
                return template
    raise TemplateMissing(f"no {channel} template {code!r} in {language}")


def template_list():
    return Template.objects.order_by("code", "language")


def access_template(user, template_id: int) -> Template:
    return get_object_or_404(Template, pk=template_id)


def letters_to_print():
    return (
        Letter.objects.filter(printed_at__isnull=True)
        .select_related("customer")
        .defer("pdf", "html")
        .order_by("created_at", "pk")
    )


def letters_printed(limit: int = 50):
    return (
        Letter.objects.filter(printed_at__isnull=False)
        .select_related("customer", "printed_by")
        .defer("pdf", "html")
        .order_by("-printed_at", "-pk")[:limit]
    )


def access_letter(user, letter_id: int) -> Letter:
    return get_object_or_404(Letter, pk=letter_id)


def outbox_for_customer(customer_id: int):
    return OutboxMessage.objects.filter(customer_id=customer_id).defer("attachment", "body_html")
