"""``{% dunning_timeline customer %}`` and ``{% dunning_invoice_timeline invoice %}``: the
dunning history and its forms, included by the customer and invoice pages without their views
knowing about dunning; ``dunning_customer_holds`` / ``dunning_invoice_holds`` and
``{% dunning_hold_badge block %}``: the hold badge of the customer and invoice lists and pages
(and the worklist)."""

from django import template

from encaisse.accounts.capabilities import EDIT_LEDGER, has_capability
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from ..forms import HoldForm, ManualActionForm, NoteForm, PromiseForm
from ..models import Block
from ..selectors import holds_by_customer, holds_by_invoice
from ..timeline import customer_timeline, invoice_timeline

register = template.Library()


@register.inclusion_tag("dunning/_timeline.html", takes_context=True)
def dunning_timeline(context, customer):
    user = context["request"].user
    can_edit = has_capability(user, EDIT_LEDGER)
    result = {
        "customer": customer,
        "entries": customer_timeline(customer=customer),
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
        "active_blocks": list(
            Block.objects.filter(customer=customer, released_at__isnull=True).select_related(
                "invoice"
            )
        ),
    }
    if can_edit:
        invoices = list(
            customer.invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN).order_by(
                "due_date", "number"
            )
        )
        result.update(
            note_form=NoteForm(),
            manual_form=ManualActionForm(invoices=invoices),
            promise_form=PromiseForm(invoices=invoices),
            hold_form=HoldForm(invoices=invoices),
        )
    return result


@register.inclusion_tag("dunning/_entries.html")
def dunning_invoice_timeline(invoice):
    return {"entries": invoice_timeline(invoice=invoice), "invoice": invoice}


def _many(objects) -> list:
    if objects is None:
        return []
    return [objects] if hasattr(objects, "pk") else list(objects)


@register.simple_tag
def dunning_customer_holds(customers) -> dict:
    """``{customer id: Block}``: the active hold or block on the whole customer, for each of
    ``customers`` (one customer or a list) that has one; one query for the whole page."""
    ids = [customer.pk for customer in _many(customers)]
    return holds_by_customer(ids) if ids else {}


@register.simple_tag
def dunning_invoice_holds(invoices) -> dict:
    """``{invoice id: Block}``: the active hold or block on the invoice itself (whole or
    partial, disputes excepted: the disputes feature shows those) or on its customer, for each
    of ``invoices`` (one invoice or a list); two queries for the whole page."""
    invoices = _many(invoices)
    return holds_by_invoice(invoices) if invoices else {}


@register.inclusion_tag("dunning/_hold_badge.html")
def dunning_hold_badge(block):
    """The badge of an active hold or block: "on hold until 15/12", its reason as tooltip."""
    return {"block": block}
