"""The customers pages: the list (htmx refreshes its table as filters change), a customer's
page, creating and editing customers, and their contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import EDIT_LEDGER, VIEW_LEDGER
from encaisse.audit.selectors import audit_history_for
from encaisse.core.access import capability_required
from encaisse.core.forms import form_errors, saved
from encaisse.core.pagination import page_for_request

from .forms import ContactForm, CustomerFilterForm, CustomerForm
from .models import Customer
from .selectors import (
    InvalidCursor,
    access_contact,
    access_customer,
    customer_contacts,
    customer_figures,
    customer_open_invoices,
    customer_page,
    customer_settled_invoices,
    payment_terms,
)
from .services import (
    contact_create,
    contact_delete,
    contact_update,
    customer_create,
    customer_update,
)


@capability_required(VIEW_LEDGER)
def customer_list_view(request):
    """Customers, most overdue first; htmx requests get the table alone."""
    form = CustomerFilterForm(request.GET)
    filters = form.to_filters(request.user)
    page, cursor, query = page_for_request(
        request,
        lambda cursor: customer_page(user=request.user, filters=filters, cursor=cursor),
        InvalidCursor,
    )
    context = {
        "form": form,
        "page": page,
        "customers": page.items,
        "cursor": cursor,
        "query": query.urlencode(),
    }
    template = "customers/list.html#table" if request.htmx else "customers/list.html"
    return render(request, template, context)


@capability_required(VIEW_LEDGER)
def customer_detail(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    context = {
        "customer": customer,
        "figures": customer_figures(customer),
        "open_invoices": customer_open_invoices(customer, page=request.GET.get("open_page")),
        "settled_invoices": customer_settled_invoices(
            customer, page=request.GET.get("settled_page")
        ),
        "contacts": customer_contacts(customer),
        "terms": payment_terms(customer),
        "history": audit_history_for(customer),
    }
    return render(request, "customers/detail.html", context)


@capability_required(EDIT_LEDGER)
def customer_new(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The customer was created."))
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form})


@capability_required(EDIT_LEDGER)
def customer_edit(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    # The form validates onto a copy so the service can diff the stored row against it.
    form = CustomerForm(request.POST or None, instance=Customer.objects.get(pk=customer.pk))
    if saved(
        request,
        form,
        lambda data: customer_update(actor=request.user, customer=customer, data=data),
        _("The customer was saved."),
    ):
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})


@capability_required(EDIT_LEDGER)
def contact_new(request, customer_id: int):
    customer = access_customer(request.user, customer_id)
    form = ContactForm(request.POST or None)
    if saved(
        request,
        form,
        lambda data: contact_create(actor=request.user, customer=customer, data=data),
        _("The contact was added."),
    ):
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/contact_form.html", {"form": form, "customer": customer})


@capability_required(EDIT_LEDGER)
def contact_edit(request, customer_id: int, contact_id: int):
    customer = access_customer(request.user, customer_id)
    contact = access_contact(request.user, contact_id, customer=customer)
    form = ContactForm(request.POST or None, instance=contact)
    if saved(
        request,
        form,
        lambda data: contact_update(actor=request.user, contact=contact, data=data),
        _("The contact was saved."),
    ):
        return redirect("customers:detail", customer_id=customer.pk)
    context = {"form": form, "customer": customer, "contact": contact}
    return render(request, "customers/contact_form.html", context)


@capability_required(EDIT_LEDGER)
@require_POST
def contact_delete_view(request, customer_id: int, contact_id: int):
    customer = access_customer(request.user, customer_id)
    contact = access_contact(request.user, contact_id, customer=customer)
    contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("The contact %(name)s was removed.") % {"name": contact.name})
    return redirect("customers:detail", customer_id=customer.pk)
