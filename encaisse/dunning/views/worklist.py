"""The collector's pages: the worklist, a call with its guide and outcome form, approvals, and
the writes offered on the customer page (note, manual action, promise, hold, release)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER, has_capability
from encaisse.core.access import capability_required
from encaisse.customers.selectors import access_customer
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from ..choices import ActionStatus, BlockKind, CallOutcome, Channel
from ..forms import CallOutcomeForm, HoldForm, ManualActionForm, NoteForm, PromiseForm
from ..models import Block
from ..selectors import holds_by_customer
from ..services import (
    action_approval_record,
    action_manual_create,
    block_create,
    block_release,
    call_outcome_record,
    customer_note_add,
    promise_record,
)
from ..worklist import access_action, default_collector_filter, worklist, worklist_summary


def _errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{m}" for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(error.messages)


def dispute_prefill_url(action) -> str | None:
    """The hook of the disputes feature: the URL of its "new dispute" page (``disputes:new``)
    with the customer, the origin (``call``), the call (``action``) and its invoices prefilled,
    or None while that page does not exist. Recording "problem reported" leads there."""
    try:
        base = reverse("disputes:new")
    except NoReverseMatch:
        return None
    query = [("customer", action.customer_id), ("origin", "call"), ("action", action.pk)] + [
        ("invoice", line.invoice_id) for line in action.lines.all()
    ]
    return f"{base}?{urlencode(query)}"


def _collectors():
    return (
        get_user_model()
        .objects.filter(dunning_actions__isnull=False)
        .distinct()
        .order_by("username")
    )


@capability_required(VIEW_LEDGER)
def worklist_view(request):
    """Today's calls and approvals, most urgent first; collectors see theirs by default."""
    collector = request.GET.get("collector") or default_collector_filter(request.user)
    rows = worklist(user=request.user, collector=collector)
    context = {
        "calls": [row for row in rows if row.action.status == ActionStatus.PLANNED],
        "approvals": [row for row in rows if row.action.status == ActionStatus.AWAITING_APPROVAL],
        "counts": worklist_summary(user=request.user, collector=collector),
        "collector": collector,
        "collectors": _collectors(),
        "can_edit": has_capability(request.user, EDIT_LEDGER),
        "holds": holds_by_customer({row.action.customer_id for row in rows}),
    }
    return render(request, "dunning/worklist.html", context)


def _call_context(request, action, form):
    lines = list(action.lines.select_related("invoice").order_by("invoice__due_date"))
    return {
        "action": action,
        "lines": lines,
        "contacts": list(action.customer.contacts.all()),
        "courtesy": bool(lines) and all(line.invoice.due_date >= action.due_on for line in lines),
        "form": form,
        "dispute_url": dispute_prefill_url(action),
        "can_edit": has_capability(request.user, EDIT_LEDGER),
        "open": action.status in (ActionStatus.PLANNED, ActionStatus.AWAITING_APPROVAL),
    }


@capability_required(VIEW_LEDGER)
def call_view(request, action_id: int):
    """A call: who to call, about what, what to ask, and the outcome form."""
    action = access_action(request.user, action_id)
    if action.channel != Channel.CALL:
        raise Http404("not a call")
    form = CallOutcomeForm(initial={"promised_amount": action.total})
    return render(request, "dunning/call.html", _call_context(request, action, form))


@require_POST
@capability_required(EDIT_LEDGER)
def call_outcome_view(request, action_id: int):
    action = access_action(request.user, action_id)
    if action.channel != Channel.CALL:
        raise Http404("not a call")
    form = CallOutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            call_outcome_record(
                actor=request.user,
                action=action,
                outcome=data["outcome"],
                notes=data["notes"],
                promised_on=data["promised_on"],
                promised_amount=data["promised_amount"],
                call_back_on=data["call_back_on"],
            )
        except ValidationError as error:
            for name, errors in getattr(error, "message_dict", {"outcome": error.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Call outcome recorded."))
            dispute_url = dispute_prefill_url(action)
            if data["outcome"] == CallOutcome.PROBLEM_REPORTED and dispute_url:
                return redirect(dispute_url)  # register the dispute, prefilled
            return redirect("dunning:worklist")
    return render(request, "dunning/call.html", _call_context(request, action, form), status=422)


@require_POST
@capability_required(EDIT_LEDGER)
def approval_view(request, action_id: int):
    """Approve or reject an action awaiting approval (``decision``: approve / reject)."""
    action = access_action(request.user, action_id)
    try:
        action_approval_record(
            actor=request.user, action=action, approved=request.POST.get("decision") == "approve"
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("dunning:worklist")


def _open_invoices(customer):
    return list(
        customer.invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN).order_by(
            "due_date", "number"
        )
    )


def _back(customer):
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#timeline")


@require_POST
@capability_required(EDIT_LEDGER)
def note_add_view(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"notes": _("The note is empty.")})
        customer_note_add(actor=request.user, customer=customer, notes=form.cleaned_data["notes"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Note added."))
    return _back(customer)


@require_POST
@capability_required(EDIT_LEDGER)
def manual_action_view(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    form = ManualActionForm(request.POST, invoices=_open_invoices(customer))
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        data = form.cleaned_data
        action_manual_create(
            actor=request.user,
            customer=customer,
            channel=data["channel"],
            invoices=[int(i) for i in data["invoices"]],
            due_on=data["due_on"],
            done=data["done"],
            notes=data["notes"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Action recorded."))
    return _back(customer)


@require_POST
@capability_required(EDIT_LEDGER)
def promise_view(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    form = PromiseForm(request.POST, invoices=_open_invoices(customer))
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        data = form.cleaned_data
        promise_record(
            actor=request.user,
            customer=customer,
            invoices=[int(i) for i in data["invoices"]],
            amount=data["amount"],
            promised_on=data["promised_on"],
            channel=data["channel"],
            notes=data["notes"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Promise to pay recorded."))
    return _back(customer)


@require_POST
@capability_required(EDIT_LEDGER)
def hold_view(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    invoices = _open_invoices(customer)
    form = HoldForm(request.POST, invoices=invoices)
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        data = form.cleaned_data
        invoice = next((i for i in invoices if str(i.pk) == data["invoice"]), None)
        block_create(
            actor=request.user,
            customer=customer,
            kind=BlockKind.HOLD,
            reason=data["reason"],
            invoice=invoice,
            ends_on=data["ends_on"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Hold recorded."))
    return _back(customer)


@require_POST
@capability_required(EDIT_LEDGER)
def block_release_view(request, customer_id: int, block_id: int):
    customer = access_customer(request.user, customer_id)
    block = Block.objects.filter(pk=block_id, customer=customer).first()
    if block is None:
        raise Http404("no such block")
    try:
        block_release(actor=request.user, block=block)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Released."))
    return _back(customer)
