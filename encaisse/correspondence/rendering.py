"""Rendering templates: the fixed context every template gets, a sandboxed Django template
engine (no loaders, so a template cannot include files), the email parts and the letter HTML.

The context (documented on the template edit page, keep ``CONTEXT_VARIABLES`` in step):

- ``customer``: the Customer (name, code, address, postal_code, city, email...);
- ``contact``: the billing contact (name, email...) or None;
- ``company``: the Company (name, legal_form, siren, vat_number, address, email, phone);
- ``invoices``: list of lines with ``number``, ``issue_date``, ``due_date``, ``amount``
  (incl. tax), ``amount_due`` (what is asked), ``disputed`` (the part in dispute, left out
  of ``amount_due``), ``days_late`` and, for formal notices, ``interest``, ``indemnity``,
  ``penalties`` (interest + indemnity);
- ``total``: the sum of ``amount_due``;
- ``disputed_total``: the sum of ``disputed`` (zero when nothing is disputed);
- ``penalties``: for formal notices, ``interest``, ``indemnity``, ``total`` (both) and
  ``grand_total`` (total due + penalties); None otherwise;
- ``today``: the date of the document;
- ``dispute_link``: the customer's secure link to raise a dispute on these invoices
  (``encaisse/portal``), for the reminder emails.

The dispute emails (``encaisse/portal/emails.py``) get their own context, listed after these."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from encaisse.company.selectors import company_get
from encaisse.core.money import ZERO, format_amount
from encaisse.dunning.choices import BlockKind
from encaisse.dunning.models import Block
from encaisse.dunning.penalties import invoice_penalties
from encaisse.dunning.selectors import contractual_rate, reference_rates
from encaisse.portal.tokens import raise_link

CONTEXT_VARIABLES = [
    ("customer", _("The customer: name, code, address, postal_code, city, email.")),
    ("contact", _("The billing contact (name, email), or empty.")),
    ("company", _("Your company: name, legal_form, siren, vat_number, address, email, phone.")),
    (
        "invoices",
        _(
            "The invoices: number, issue_date, due_date, amount, amount_due, disputed (the "
            "part in dispute, not asked for), days_late; for formal notices also interest, "
            "indemnity and penalties."
        ),
    ),
    ("total", _("The total amount due.")),
    (
        "disputed_total",
        _("The total in dispute, left out of the amounts due (zero when nothing is disputed)."),
    ),
    (
        "penalties",
        _(
            "Formal notices: interest, indemnity, total and grand_total (amount due plus "
            "penalties); empty otherwise."
        ),
    ),
    ("today", _("The date of the document.")),
    (
        "dispute_link",
        _("Reminder emails: the customer's secure link to raise a dispute on these invoices."),
    ),
    (
        "dispute",
        _(
            "Dispute emails: the dispute (number, raised_on, disputed_total, target_date, "
            "credit_note_number, credit_note_amount); invoices then have number and "
            "disputed_amount."
        ),
    ),
    (
        "portal_link",
        _("Dispute emails: the customer's secure link to the page of the dispute."),
    ),
    (
        "next_step, expected_date, outcome",
        _("Dispute emails: what happens next, the expected answer date, how it was resolved."),
    ),
    ("satisfaction_link", _("Satisfaction email: the link to rate how the dispute was handled.")),
    (
        "user, level, dispute_url",
        _("Escalation email: the user notified, the escalation level, the dispute's page."),
    ),
]

SYNTAX_HELP = _(
    "Django template syntax: {{ customer.name }} prints a value, "
    "{% for line in invoices %}…{% endfor %} repeats for each invoice, "
    "{% if penalties %}…{% endif %} writes only when there are penalties, "
    "{{ total|money }} formats an amount and {{ today|date:'d/m/Y' }} a date."
)

# One engine for user-edited templates: no template directories and no app loaders, so
# {% include %} and {% extends %} find nothing; the money filter is there for amounts.
ENGINE = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {})],
    libraries={"encaisse": "encaisse.core.templatetags.encaisse"},
    builtins=["encaisse.core.templatetags.encaisse"],
    autoescape=False,
)


class TemplateError(ValueError):
    """A template that does not compile or render: the message says where."""


@dataclass
class Line:
    invoice_id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Decimal
    amount_due: Decimal
    days_late: int
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO
    disputed: Decimal = ZERO  # the part in dispute, not in amount_due (set_disputed_amounts)

    @property
    def penalties(self) -> Decimal:
        return self.interest + self.indemnity


def build_context(
    *, customer, lines: list[Line], today: dt.date, with_penalties: bool, contact=None
) -> dict:
    """The template context for ``customer`` and its invoice ``lines``; with penalties, each
    line gets its L441-10 interest up to ``today`` and the 40 euro indemnity (penalties.py)."""
    penalties = None
    if with_penalties:
        rates = reference_rates()
        rate = contractual_rate(customer.pk)
        for line in lines:
            result = invoice_penalties(
                amount=line.amount_due,
                due_date=line.due_date,
                until=today,
                ecb_rates=rates,
                contractual_rate=rate,
            )
            line.interest, line.indemnity = result.interest, result.indemnity
        interest = sum((line.interest for line in lines), ZERO)
        indemnity = sum((line.indemnity for line in lines), ZERO)
        total_due = sum((line.amount_due for line in lines), ZERO)
        penalties = {
            "interest": interest,
            "indemnity": indemnity,
            "total": interest + indemnity,
            "grand_total": total_due + interest + indemnity,
        }
    if contact is None:
        contact = billing_contact(customer)
    return {
        "customer": customer,
        "contact": contact,
        "company": company_get(),
        "invoices": lines,
        "total": sum((line.amount_due for line in lines), ZERO),
        "penalties": penalties,
        "today": today,
        "dispute_link": raise_link(
            customer_id=customer.pk, invoice_ids=[line.invoice_id for line in lines]
        )
        if lines
        else "",
        "disputed_total": sum((line.disputed for line in lines), ZERO),
    }


def set_disputed_amounts(lines: list[Line], *, on: dt.date) -> list[Line]:
    """Fill each line's ``disputed``: the amounts of the dispute blocks active on ``on`` on
    its invoice (dunning ``Block`` of kind dispute with a ``blocked_amount``, including the
    grace block after a resolution), at most the invoice's open amount. The dunning run has
    already left these amounts out of ``amount_due``; letters and emails say so ("hors montant
    en litige"), and penalties, computed on ``amount_due``, never run on them."""
    by_invoice: dict[int, Decimal] = {}
    blocks = (
        Block.objects.filter(
            kind=BlockKind.DISPUTE,
            invoice_id__in=[line.invoice_id for line in lines],
            blocked_amount__isnull=False,
            released_at__isnull=True,
            starts_on__lte=on,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("invoice_id", "blocked_amount", "invoice__open_amount")
    )
    open_amounts = {}
    for invoice_id, amount, open_amount in blocks:
        by_invoice[invoice_id] = by_invoice.get(invoice_id, ZERO) + amount
        open_amounts[invoice_id] = open_amount
    for line in lines:
        if line.invoice_id in by_invoice:
            line.disputed = min(by_invoice[line.invoice_id], open_amounts[line.invoice_id])
    return lines


def disputed_note(context: dict) -> str:
    """The sentence an email adds under its body when part of what it is about is disputed
    ("hors montant en litige : 2 500,00 €"), empty otherwise; in the active language."""
    disputed = context.get("disputed_total") or ZERO
    if disputed <= 0:
        return ""
    return _("These amounts exclude the disputed amount: %(amount)s €") % {
        "amount": format_amount(disputed, language=translation.get_language() or "fr")
    }


def billing_contact(customer):
    """The customer's billing contact with an email, else any billing contact, else None."""
    contacts = list(customer.contacts.filter(is_billing_contact=True))
    return next((c for c in contacts if c.email), contacts[0] if contacts else None)


def paragraphs(text: str) -> SafeString:
    """Plain text as HTML paragraphs, escaped (the text may hold a customer's name), its web
    addresses made links (the customer's dispute and rating links)."""
    return mark_safe(linebreaks(urlize(text, nofollow=True, autoescape=True), autoescape=False))


def render_text(source: str, context: dict, *, language: str) -> str:
    """Render a user template; a syntax or rendering error becomes TemplateError."""
    try:
        template = ENGINE.from_string(source)
        with translation.override(language):
            return template.render(Context(context))
    except Exception as error:  # a user's template: any error is shown, never a 500
        raise TemplateError(str(error)) from error


def render_email(template, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of an email template."""
    subject = " ".join(render_text(template.subject, context, language=template.language).split())
    text = render_text(template.body, context, language=template.language)
    with translation.override(template.language):
        note = disputed_note(context)
    html = render_to_string(
        "correspondence/email.html",
        {"body": paragraphs(text), "company": context["company"], "disputed_note": note},
    )
    if note:
        text = f"{text.rstrip()}\n\n{note}\n"
    return subject, text, html


def render_letter_html(template, context: dict, *, channel: str) -> tuple[str, str]:
    """(subject, full HTML) of a letter or formal notice: the layout (letterhead, addresses,
    invoice table, totals, legal mentions) around the template's body."""
    language = template.language
    subject = " ".join(render_text(template.subject, context, language=language).split())
    body = render_text(template.body, context, language=language)
    with translation.override(language):
        html = render_to_string(
            "correspondence/letter.html",
            {
                **context,
                "subject": subject,
                "body": paragraphs(body),
                "formal_notice": channel == "formal_notice",
                "language": language,
            },
        )
    return subject, html


def render_statement_html(context: dict, *, language: str) -> str:
    """The statement attached to an email: the letter layout with the invoice table only."""
    with translation.override(language):
        return render_to_string(
            "correspondence/letter.html",
            {
                **context,
                "subject": str(_("Statement of account")),
                "body": "",
                "formal_notice": False,
                "language": language,
            },
        )
