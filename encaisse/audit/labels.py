"""How the log page names what it shows: object types, actions, fields, and the object's page.

Entries store plain strings (``customers.customer``, ``update``, ``terms_days``), so that the log
outlives renamed models and fields; these turn them into words and links at display time, and
fall back to the stored string for anything unknown."""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from encaisse.accounts.capabilities import (
    IMPORT_LEDGER,
    MANAGE_SETTINGS,
    MANAGE_USERS,
    VIEW_LEDGER,
)

from .models import AuditEntry

# The types the log page's filter offers, in this order. Others are still listed and found by
# the API's ``object_type``.
OBJECT_TYPES = [
    "customers.customer",
    "customers.contact",
    "receivables.invoice",
    "receivables.payment",
    "imports.importbatch",
    "company.company",
    "customers.segment",
    "accounts.department",
    "accounts.user",
    "accounts.apitoken",
]

ACTION_LABELS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "revoke": _("revoked"),
    "import": _("imported"),
    "allocate": _("allocated"),
    "demo_load": _("demo data loaded"),
}

# Object type -> (URL name of its page, capability needed to open it).
OBJECT_PAGES = {
    "customers.customer": ("customers:detail", VIEW_LEDGER),
    "receivables.invoice": ("receivables:detail", VIEW_LEDGER),
    "imports.importbatch": ("imports:detail", IMPORT_LEDGER),
    "company.company": ("company:settings", MANAGE_SETTINGS),
    "customers.segment": ("company:segment_edit", MANAGE_SETTINGS),
    "accounts.department": ("accounts:department_edit", MANAGE_SETTINGS),
    "accounts.user": ("accounts:user_edit", MANAGE_USERS),
}
# Pages that show the one object of their kind, without an id in the address.
SINGLETON_PAGES = {"company.company"}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name).capitalize() if model else object_type


def object_type_choices() -> list[tuple[str, str]]:
    return [(t, object_type_label(t)) for t in OBJECT_TYPES if _model(t) is not None]


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _field(object_type: str, name: str):
    model = _model(object_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(object_type: str, name: str) -> str:
    found = _field(object_type, name)
    return capfirst(str(found.verbose_name)) if found is not None else name


def value_label(object_type: str, name: str, value) -> str:
    """A recorded value as words: a choice's label, a list joined, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    found = _field(object_type, name)
    if found is not None and found.choices and isinstance(value, str | int):
        return str(dict(found.flatchoices).get(value, value))
    return str(value)


def object_url(entry: AuditEntry, capabilities) -> str:
    """The object's page, when it has one, it still exists as far as the log knows, and the
    reader may open it; else an empty string."""
    page = OBJECT_PAGES.get(entry.object_type)
    if page is None or entry.action == "delete" or page[1] not in capabilities:
        return ""
    args = [] if entry.object_type in SINGLETON_PAGES else [entry.object_id]
    try:
        return reverse(page[0], args=args)
    except NoReverseMatch:
        # The page does not exist (yet), or the id is not one its address takes.
        return ""


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class AuditRow:
    entry: AuditEntry
    type_label: str
    action_label: str
    url: str
    changes: list[Change] = field(default_factory=list)


def _pairs(changes):
    """``{"name": {"from": a, "to": b}}`` -> ``("name", (a, b))``; tolerate other shapes."""
    for name, change in (changes or {}).items():
        if isinstance(change, dict):
            yield name, (change.get("from"), change.get("to"))
        else:
            yield name, (None, change)


def entry_changes(entry: AuditEntry) -> list[Change]:
    return [
        Change(
            field=name,
            label=field_label(entry.object_type, name),
            before=value_label(entry.object_type, name, before),
            after=value_label(entry.object_type, name, after),
        )
        for name, (before, after) in _pairs(entry.changes)
    ]


def audit_rows(entries, capabilities) -> list[AuditRow]:
    """Entries as the log page shows them: words for types, actions and fields, and links."""
    return [
        AuditRow(
            entry=entry,
            type_label=object_type_label(entry.object_type),
            action_label=action_label(entry.action),
            url=object_url(entry, capabilities),
            changes=entry_changes(entry),
        )
        for entry in entries
    ]
