"""Writes to customers and their contacts, by hand (customer pages) or through the API.

Each service runs in one transaction, validates with the model's validators plus the rules
below, and appends an audit row. Contact changes are recorded on their customer (actions
``contact_create``, ``contact_update``, ``contact_delete``), so the customer page's history
shows everything that changed in the customer's file, deleted contacts included.

Imports write customers in bulk through ``imports.services.customers``; these are for one
customer at a time."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.accounts.capabilities import EDIT_LEDGER, has_capability
from encaisse.audit.services import audit_record, diff, snapshot

from .models import Contact, Customer
from .validators import compact_identifier

CUSTOMER_FIELDS = [
    "code",
    "name",
    "siren",
    "siret",
    "vat_number",
    "segment",
    "collector",
    "salesperson",
    "terms_kind",
    "terms_days",
    "language",
    "email",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "credit_limit",
    "on_hold",
    "notes",
]
CONTACT_FIELDS = [
    "name",
    "job_title",
    "email",
    "phone",
    "mobile",
    "is_billing_contact",
    "language",
    "notes",
]
IDENTIFIERS = ("siren", "siret", "vat_number")
TEXT_FIELDS = {"code", "name", "email", "phone", "postal_code", "city", "country"}
MAX_TERMS_DAYS = 365


def _duplicate_code_error(code: str) -> ValidationError:
    return ValidationError(
        {
            "code": ValidationError(
                _("A customer with the code %(code)s already exists.") % {"code": code},
                code="unique",
            )
        }
    )


def _assign(customer: Customer, data: dict) -> None:
    """Copy the known keys of ``data`` onto ``customer``, cleaned (trimmed, identifiers
    compacted: ``552 100 554`` is stored ``552100554``)."""
    for name in CUSTOMER_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in IDENTIFIERS:
            value = compact_identifier(value or "")
        elif name in TEXT_FIELDS:
            value = (value or "").strip()
        elif name in ("address", "notes", "terms_kind"):
            value = value or ""
        setattr(customer, name, value)
    customer.country = (customer.country or "").upper()
    if customer.siret and not customer.siren and len(customer.siret) == 14:
        # A SIRET is the SIREN followed by the establishment number (NIC).
        customer.siren = customer.siret[:9]


def _check(customer: Customer) -> None:
    """The model's validators (SIREN, SIRET and VAT keys, email, choices, lengths) and the
    rules that tie fields together. Raises one ValidationError naming every bad field."""
    errors: dict[str, list] = {}
    try:
        customer.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if customer.siren and customer.siret and "siret" not in errors and "siren" not in errors:
        if not customer.siret.startswith(customer.siren):
            errors.setdefault("siret", []).append(
                _("The SIRET must start with the SIREN (%(siren)s).") % {"siren": customer.siren}
            )
    if customer.terms_days is not None and customer.terms_days > MAX_TERMS_DAYS:
        errors.setdefault("terms_days", []).append(
            _("Payment terms cannot exceed %(days)s days.") % {"days": MAX_TERMS_DAYS}
        )
    if customer.credit_limit is not None and customer.credit_limit < Decimal(0):
        errors.setdefault("credit_limit", []).append(_("The credit limit cannot be negative."))
    if len(customer.country) != 2 or not customer.country.isalpha():
        errors.setdefault("country", []).append(
            _("Give the country as a two-letter ISO code, such as FR.")
        )
    collector = customer.collector
    if collector is not None and not (
        collector.is_active and has_capability(collector, EDIT_LEDGER)
    ):
        errors.setdefault("collector", []).append(
            _("%(user)s cannot be a collector: an active user who may edit the ledger is needed.")
            % {"user": collector}
        )
    if errors:
        raise ValidationError(errors)


def _save_new(customer: Customer) -> None:
    if Customer.objects.filter(code=customer.code).exists():
        raise _duplicate_code_error(customer.code)
    try:
        # A concurrent insert of the same code loses here rather than at the check above.
        with transaction.atomic():
            customer.save(force_insert=True)
    except IntegrityError:
        raise _duplicate_code_error(customer.code) from None


@transaction.atomic
def customer_create(*, actor, data: dict) -> Customer:
    """Create a customer (new customer page, API POST).

    ``data`` holds any of ``CUSTOMER_FIELDS``; ``code`` and ``name`` are required. SIREN, SIRET
    and VAT numbers are compacted then checked (keys included); a SIRET alone also fills the
    SIREN. A code already used raises a ValidationError on ``code`` with code ``unique``."""
    customer = Customer()
    _assign(customer, data)
    _check(customer)
    _save_new(customer)
    audit_record(
        actor=actor,
        action="create",
        instance=customer,
        changes={
            name: {"from": None, "to": value}
            for name, value in snapshot(customer, CUSTOMER_FIELDS).items()
            if value not in (None, "", False)
        },
    )
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, data: dict) -> Customer:
    """Change a customer (edit page, API PATCH): only the keys given in ``data`` change.

    Returns a fresh instance (``customer`` may be a form's copy already holding new values).
    Changing the code is allowed but imports find customers by code: the next import that
    still uses the old code creates a new customer."""
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(current, CUSTOMER_FIELDS)
    _assign(current, data)
    _check(current)
    changes = diff(before, snapshot(current, CUSTOMER_FIELDS))
    if not changes:
        return current
    if "code" in changes and (
        Customer.objects.filter(code=current.code).exclude(pk=current.pk).exists()
    ):
        raise _duplicate_code_error(current.code)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise _duplicate_code_error(current.code) from None
    audit_record(actor=actor, action="update", instance=current, changes=changes)
    return current


# Contacts -------------------------------------------------------------------------------------


def _contact_assign(contact: Contact, data: dict) -> None:
    for name in CONTACT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "is_billing_contact":
            value = bool(value)
        else:
            value = (value or "").strip()
        setattr(contact, name, value)


def _contact_check(contact: Contact) -> None:
    contact.full_clean(exclude=["customer"])


def _billing_contact_claim(*, contact: Contact, customer: Customer) -> str | None:
    """One billing contact per customer: when ``contact`` becomes it, the previous one stops
    being it (the customer row is locked by the caller, so two claims serialize). Returns the
    name of the contact that lost the flag, if any."""
    previous = (
        Contact.objects.filter(customer=customer, is_billing_contact=True)
        .exclude(pk=contact.pk)
        .order_by("pk")
    )
    names = list(previous.values_list("name", flat=True))
    if not names:
        return None
    previous.update(is_billing_contact=False)
    return ", ".join(names)


def _contact_changes(before: dict, after: dict, *, name: str, demoted: str | None) -> dict:
    """Audit changes of a contact, recorded on its customer: ``contact`` names which one, the
    other keys are ``contact.<field>``."""
    changes = {"contact": {"from": before.get("name", name), "to": name}}
    for key, change in diff(before, after).items():
        changes[f"contact.{key}"] = change
    if demoted:
        changes["billing_contact"] = {"from": demoted, "to": name}
    return changes


def _lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


@transaction.atomic
def contact_create(*, actor, customer: Customer, data: dict) -> Contact:
    """Add a contact to ``customer`` (customer page, API). ``name`` is required.

    When the new contact is the billing contact, it replaces the customer's previous one: a
    customer has at most one billing contact (where reminders are sent first)."""
    customer = _lock(customer)
    contact = Contact(customer=customer)
    _contact_assign(contact, data)
    _contact_check(contact)
    contact.save()
    demoted = None
    if contact.is_billing_contact:
        demoted = _billing_contact_claim(contact=contact, customer=customer)
    after = {k: v for k, v in snapshot(contact, CONTACT_FIELDS).items() if v not in ("", False)}
    audit_record(
        actor=actor,
        action="contact_create",
        instance=customer,
        changes=_contact_changes(
            {"name": None}, {**after, "name": contact.name}, name=contact.name, demoted=demoted
        ),
    )
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, data: dict) -> Contact:
    """Change a contact (customer page, API PATCH): only the keys given in ``data`` change.
    Making it the billing contact takes the flag from the customer's previous one."""
    customer = _lock(contact.customer)
    current = Contact.objects.get(pk=contact.pk)
    before = snapshot(current, CONTACT_FIELDS)
    _contact_assign(current, data)
    _contact_check(current)
    after = snapshot(current, CONTACT_FIELDS)
    if not diff(before, after):
        return current
    current.save()
    demoted = None
    if current.is_billing_contact and not before["is_billing_contact"]:
        demoted = _billing_contact_claim(contact=current, customer=customer)
    audit_record(
        actor=actor,
        action="contact_update",
        instance=customer,
        changes=_contact_changes(before, after, name=current.name, demoted=demoted),
    )
    return current


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    """Remove a contact (customer page, API DELETE); the customer's history keeps what it was."""
    customer = _lock(contact.customer)
    current = Contact.objects.get(pk=contact.pk)
    before = {k: v for k, v in snapshot(current, CONTACT_FIELDS).items() if v not in ("", False)}
    changes = {"contact": {"from": current.name, "to": None}}
    for key, value in before.items():
        changes[f"contact.{key}"] = {"from": value, "to": None}
    current.delete()
    audit_record(actor=actor, action="contact_delete", instance=customer, changes=changes)
