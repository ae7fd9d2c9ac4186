"""``{% dunning_timeline customer %}`` and ``{% dunning_invoice_timeline invoice %}``: the
dunning history and its forms, included by the customer and invoice pages without their views
knowing about dunning."""

from django import template

from encaisse.accounts.capabilities import EDIT_LEDGER, has_capability
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from ..forms import HoldForm, ManualActionForm, NoteForm, PromiseForm
from ..models import Block
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


@register.simple_tag
def dunning_on_hold(customer_id, invoice_id=None) -> bool:
    """Whether an active hold or block covers the customer (or this invoice)."""
    from django.db.models import Q

    blocks = Block.objects.filter(customer_id=customer_id, released_at__isnull=True)
    where = Q(invoice__isnull=True)
    if invoice_id is not None:
        where |= Q(invoice_id=invoice_id)
    return blocks.filter(where).exists()
