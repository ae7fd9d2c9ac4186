"""Registering a dispute: ``/disputes/new/?customer=<id>&invoices=<id>,<id>&origin=call``.

Reached from the customer page, an invoice page and a call whose outcome is "problem reported"
(the dunning call page redirects here with the call's invoices and ``origin=call``). The
customer's open invoices are listed; the prefilled ones are ticked, each with the amount still
open and not already disputed as its disputed amount (a smaller, partial amount is allowed).
Without a customer the page asks for one. Registering needs ``work_disputes`` and the ledger
(``view_ledger``): the invoices are picked from it."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import VIEW_LEDGER, WORK_DISPUTES
from encaisse.core.access import capability_required
from encaisse.customers.selectors import access_customer, customers_visible
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from ..choices import ACTIVE_STATUSES, Origin
from ..evidence import sniff
from ..forms import DisputeNewForm, EvidenceForm
from ..models import DisputedInvoice
from ..services import dispute_open, evidence_add
from .actions import check_files
from .common import error_text

MAX_INVOICES = 200


def _ids(request) -> set[int]:
    """Invoice ids from ``invoices=1,2`` and from repeated ``invoice=1&invoice=2``."""
    raw = request.GET.getlist("invoice") + ",".join(request.GET.getlist("invoices")).split(",")
    return {int(value) for value in raw if value.strip().isdigit()}


def open_invoices(customer) -> list:
    """The customer's open invoices with ``room``: what is open and not already disputed by an
    active dispute (the most a new dispute may contest)."""
    disputed = (
        DisputedInvoice.objects.filter(
            invoice_id=OuterRef("pk"), dispute__status__in=ACTIVE_STATUSES
        )
        .order_by()
        .values("invoice_id")
        .annotate(total=Sum("disputed_amount"))
        .values("total")[:1]
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    invoices = (
        customer.invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.OPEN)
        .annotate(already=Coalesce(Subquery(disputed, output_field=money), Value(Decimal(0))))
        .order_by("due_date", "number")[:MAX_INVOICES]
    )
    rows = list(invoices)
    for invoice in rows:
        invoice.room = max(invoice.open_amount - invoice.already, Decimal(0))
    return rows


def _pick_customer(request):
    query = (request.GET.get("q") or "").strip()
    found = []
    if query:
        found = list(
            customers_visible(request.user)
            .filter(Q(code__iexact=query) | Q(name__icontains=query))
            .order_by("name")[:20]
        )
    return render(
        request,
        "disputes/new.html",
        {"customer": None, "query": query, "found": found, "origin": request.GET.get("origin")},
    )


def _lines(request, invoices) -> tuple[list, set]:
    """The ticked invoices with the amount typed for each (French "1 234,50" accepted)."""
    ticked = set(request.POST.getlist("invoice"))
    lines = []
    for invoice in invoices:
        value = (request.POST.get(f"amount_{invoice.pk}") or "").strip()
        value = value.replace(",", ".").replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if str(invoice.pk) in ticked:
            lines.append((invoice, value))
    return lines, ticked


@capability_required(WORK_DISPUTES, VIEW_LEDGER)
def new_view(request):
    customer_id = request.GET.get("customer") or request.POST.get("customer")
    if not (customer_id or "").isdigit():
        return _pick_customer(request)
    customer = access_customer(request.user, int(customer_id))
    contacts = list(customer.contacts.order_by("name"))
    invoices = open_invoices(customer)
    origin = request.GET.get("origin")
    initial = {"origin": origin if origin in Origin.values else Origin.MANUAL}
    if request.method == "POST":
        form = DisputeNewForm(request.POST, contacts=contacts)
        evidence_form = EvidenceForm(request.POST, request.FILES)
        lines, ticked = _lines(request, invoices)
        if form.is_valid():
            try:
                dispute = _register(request, customer, contacts, form.cleaned_data, lines)
            except ValidationError as refused:
                form.add_error(None, error_text(refused))
            else:
                messages.success(
                    request, _("Dispute %(number)s registered.") % {"number": dispute.number}
                )
                return redirect("disputes:detail", dispute.pk)
        for invoice in invoices:
            invoice.typed = request.POST.get(f"amount_{invoice.pk}", "")
            invoice.ticked = str(invoice.pk) in ticked
        status = 422
    else:
        form = DisputeNewForm(initial=initial, contacts=contacts)
        evidence_form = EvidenceForm()
        prefill = _ids(request)
        for invoice in invoices:
            invoice.ticked = invoice.pk in prefill and invoice.room > 0
            invoice.typed = f"{invoice.room:.2f}"
        status = 200
    context = {
        "customer": customer,
        "invoices": invoices,
        "form": form,
        "evidence_form": evidence_form,
        "truncated": len(invoices) == MAX_INVOICES,
    }
    return render(request, "disputes/new.html", context, status=status)


def _register(request, customer, contacts, data, lines):
    """Open the dispute and keep its evidence, all or nothing: the files are checked before
    the dispute is written, so a refused file leaves nothing behind."""
    files = check_files(request.FILES.getlist("files"))
    for name, content in files:
        if sniff(content) is None:
            raise ValidationError(
                {"files": _("%(name)s: this kind of file is not accepted.") % {"name": name}}
            )
    contact = next((c for c in contacts if str(c.pk) == data["contact"]), None)
    with transaction.atomic():
        dispute = dispute_open(
            actor=request.user,
            customer=customer,
            invoices_amounts=lines,
            origin=data["origin"],
            words=data["words"],
            raised_on=data["raised_on"],
            reason_code=data["reason_code"],
            contact=contact,
        )
        for name, content in files:
            evidence_add(actor=request.user, dispute=dispute, name=name, content=content)
    return dispute
