"""What each role may do. Views, API endpoints and commands ask here, never check roles inline.

A capability is a verb over a part of the product. Department members resolve disputes without
seeing the ledger, so they hold none of the ledger capabilities.
"""

from .choices import Role

VIEW_LEDGER = "view_ledger"  # customers, invoices, aged balance, home figures
EDIT_LEDGER = "edit_ledger"  # edit customers, contacts, invoices; record payments
IMPORT_LEDGER = "import_ledger"  # upload files, run imports
MANAGE_SETTINGS = "manage_settings"  # company settings, segments, departments
MANAGE_USERS = "manage_users"
VIEW_AUDIT = "view_audit"

ALL = {VIEW_LEDGER, EDIT_LEDGER, IMPORT_LEDGER, MANAGE_SETTINGS, MANAGE_USERS, VIEW_AUDIT}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(ALL),
    Role.CREDIT_MANAGER: frozenset(
        {VIEW_LEDGER, EDIT_LEDGER, IMPORT_LEDGER, MANAGE_SETTINGS, VIEW_AUDIT}
    ),
    Role.COLLECTOR: frozenset({VIEW_LEDGER, EDIT_LEDGER}),
    Role.DEPARTMENT_MEMBER: frozenset(),
    Role.READ_ONLY: frozenset({VIEW_LEDGER}),
}

# What an API token with the read-only scope keeps of its owner's capabilities.
READ_CAPABILITIES = frozenset({VIEW_LEDGER, VIEW_AUDIT})


def capabilities_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def has_capability(user, capability: str) -> bool:
    return capability in capabilities_of(user)
