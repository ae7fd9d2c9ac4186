"""A template rendered on real data, for the template pages: the chosen customer's open
invoices (or the customer with the largest overdue balance), as of today."""

from dataclasses import dataclass

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.dunning.choices import Channel
from encaisse.receivables.models import Invoice

from .models import Template
from .rendering import (
    Line,
    TemplateError,
    build_context,
    render_email,
    render_letter_html,
    render_text,
    set_disputed_amounts,
)


@dataclass
class Preview:
    customer: Customer | None
    subject: str = ""
    text: str = ""
    html: str = ""
    error: str = ""


def preview_customer(customer: Customer | None) -> Customer | None:
    return customer or Customer.objects.order_by("-overdue_balance", "pk").first()


def preview_render(*, template: Template, subject: str, body: str, customer) -> Preview:
    """Render ``subject`` and ``body`` (possibly unsaved) as ``template`` would be; a
    template error is returned in ``error``, never raised."""
    customer = preview_customer(customer)
    result = Preview(customer=customer)
    if customer is None:
        return result
    day = today()
    invoices = Invoice.objects.filter(customer=customer, open_amount__gt=0).order_by(
        "due_date", "number"
    )[:50]
    lines = [
        Line(
            invoice_id=invoice.pk,
            number=invoice.number,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            amount=invoice.amount,
            amount_due=invoice.open_amount,
            days_late=max((day - invoice.due_date).days, 0),
        )
        for invoice in invoices
    ]
    for line in set_disputed_amounts(lines, on=day):  # as the run asks: net of disputes
        line.amount_due -= line.disputed
    lines = [line for line in lines if line.amount_due > 0]
    draft = Template(
        code=template.code,
        channel=template.channel,
        language=template.language,
        subject=subject,
        body=body,
    )
    try:
        context = build_context(
            customer=customer,
            lines=lines,
            today=day,
            with_penalties=template.channel == Channel.FORMAL_NOTICE,
        )
        if template.channel in (Channel.LETTER, Channel.FORMAL_NOTICE):
            result.subject, result.html = render_letter_html(
                draft, context, channel=template.channel
            )
        elif template.channel == Channel.EMAIL:
            result.subject, result.text, result.html = render_email(draft, context)
        else:
            result.subject = render_text(subject, context, language=template.language)
            result.text = render_text(body, context, language=template.language)
    except TemplateError as error:
        result.error = str(error)
    except LookupError as error:  # a penalty half-year without its rate
        result.error = str(error)
    return result
