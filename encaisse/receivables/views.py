"""The receivables pages: the invoices list and its exports, an invoice's page and edit form,
the aged balance and its exports.

Lists read their filters from the query string through one form, so a link, a bookmark, the
htmx refresh and the export buttons all carry the same filters; an htmx request gets only the
table fragment (``list.html#table``) from the same view."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER, has_capability
from encaisse.audit.selectors import audit_history_for
from encaisse.company.selectors import company_age_buckets
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.core.exports import csv_response, xlsx_response
from encaisse.customers.models import Customer

from .aged_ranking import aged_balance_paged
from .exports import INVOICE_COLUMNS, aged_balance_columns, aged_balance_rows, invoice_rows
from .filters import (
    INVOICE_SORTS,
    BadCursor,
    days_overdue,
    invoice_page,
    invoices_matching,
    list_sort,
)
from .forms import AgedBalanceForm, InvoiceEditForm, InvoiceFilterForm
from .selectors import access_invoice, aged_balance_for, invoice_allocations
from .services import invoice_update

PAGE_SIZE = 50
AGED_PAGE_SIZE = 100
EXPORTERS = {"csv": csv_response, "xlsx": xlsx_response}


def _query(request, **changes) -> str:
    """The current query string without paging, with ``changes`` applied (None removes)."""
    query = request.GET.copy()
    for name in ("after", "page", *changes):
        query.pop(name, None)
    for name, value in changes.items():
        if value is not None:
            query[name] = value
    return query.urlencode()


def _exporter(fmt: str):
    if fmt not in EXPORTERS:
        raise Http404(fmt)
    return EXPORTERS[fmt]


# Invoices -------------------------------------------------------------------------------------


def _invoice_filters(request) -> InvoiceFilterForm:
    form = InvoiceFilterForm(request.GET, buckets=company_age_buckets())
    form.is_valid()  # invalid fields are shown and ignored; the rest still filters
    return form


@capability_required(VIEW_LEDGER)
def invoice_list(request):
    form = _invoice_filters(request)
    criteria = form.criteria()
    as_of = today()
    queryset = invoices_matching(criteria, as_of=as_of)
    sort = list_sort(criteria, form.ordering())
    paging = {"sort": sort, "size": PAGE_SIZE, "any_status": criteria.status is None}
    try:
        page = invoice_page(queryset, cursor=request.GET.get("after"), **paging)
    except BadCursor:
        page = invoice_page(queryset, cursor=None, **paging)
    for invoice in page.rows:
        invoice.days_overdue = days_overdue(
            kind=invoice.kind, status=invoice.status, due_date=invoice.due_date, as_of=as_of
        )
    customer = None
    if criteria.customer_id is not None:
        customer = Customer.objects.filter(pk=criteria.customer_id).first()
    context = {
        "form": form,
        "invoices": page.rows,
        "customer": customer,
        "query": _query(request),
        "next_query": _query(request, after=page.next_cursor) if page.next_cursor else None,
        "first_query": _query(request) if request.GET.get("after") else None,
        "without_customer_query": _query(request, customer_id=None),
        "sort_ignored": sort != form.ordering(),
    }
    template = "receivables/list.html#table" if request.htmx else "receivables/list.html"
    return render(request, template, context)


@capability_required(VIEW_LEDGER)
def invoice_export(request, fmt: str):
    """Every invoice the list's filters select, in the list's order, as CSV or Excel."""
    exporter = _exporter(fmt)
    form = _invoice_filters(request)
    as_of = today()
    ordering = INVOICE_SORTS[form.ordering()]
    queryset = invoices_matching(form.criteria(), as_of=as_of).order_by(
        ordering, "-id" if ordering.startswith("-") else "id"
    )
    filename = f"factures-{as_of.isoformat()}.{fmt}"
    kwargs = {"title": _("Invoices")} if fmt == "xlsx" else {}
    return exporter(filename, INVOICE_COLUMNS, invoice_rows(queryset, as_of=as_of), **kwargs)


def _render_detail(request, invoice, form, *, status=200):
    context = {
        "invoice": invoice,
        "days_overdue": days_overdue(
            kind=invoice.kind, status=invoice.status, due_date=invoice.due_date, as_of=today()
        ),
        "allocations": invoice_allocations(invoice),
        "history": audit_history_for(invoice),
        "form": form,
    }
    return render(request, "receivables/detail.html", context, status=status)


@capability_required(VIEW_LEDGER)
def invoice_detail(request, invoice_id: int):
    invoice = access_invoice(request.user, invoice_id)
    can_edit = has_capability(request.user, EDIT_LEDGER)
    form = InvoiceEditForm(instance=invoice) if can_edit else None
    return _render_detail(request, invoice, form)


@capability_required(EDIT_LEDGER)
@require_POST
def invoice_edit(request, invoice_id: int):
    """Correct the due date, the customer reference or the label through ``invoice_update``."""
    invoice = access_invoice(request.user, invoice_id)
    # Validating a ModelForm writes onto its instance: give it a copy, so the page shows the
    # stored values next to a refused form.
    form = InvoiceEditForm(request.POST, instance=copy.copy(invoice))
    if form.is_valid():
        try:
            invoice_update(actor=request.user, invoice=invoice, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The invoice was updated."))
            return redirect("receivables:detail", invoice_id=invoice.pk)
    return _render_detail(request, invoice, form, status=400)


# Aged balance ---------------------------------------------------------------------------------


def _aged_options(request) -> tuple[AgedBalanceForm, dict]:
    form = AgedBalanceForm(request.GET)
    form.is_valid()
    value = form.cleaned_data.get
    segment = value("segment")
    options = {
        "as_of": value("as_of") or today(),
        "collector_id": value("collector"),
        "segment_id": segment.pk if segment else None,
        "sort": value("sort") or "code",
    }
    return form, options


@capability_required(VIEW_LEDGER)
def aged_balance_page(request):
    """The aged balance, a page of customers at a time: ranked in the database, only the
    page's rows read (``aged_balance_paged``)."""
    form, options = _aged_options(request)
    balance = aged_balance_paged(**options)
    page = Paginator(balance.rows, AGED_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "balance": balance,
        "totals": balance.totals,
        "total_balance": balance.total_balance,
        "page": page,
        "rows": page.object_list,
        "is_today": balance.as_of == today(),
        "query": _query(request),
    }
    return render(request, "receivables/aged_balance.html", context)


@capability_required(VIEW_LEDGER)
def aged_balance_export(request, fmt: str):
    """The aged balance with the page's options, in the columns of ``encaisse export
    aged-balance``."""
    exporter = _exporter(fmt)
    _form, options = _aged_options(request)
    balance = aged_balance_for(**options)
    filename = f"balance-agee-{balance.as_of.isoformat()}.{fmt}"
    kwargs = {"title": _("Aged balance")} if fmt == "xlsx" else {}
    return exporter(filename, aged_balance_columns(balance), aged_balance_rows(balance), **kwargs)
