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
VIEW_DISPUTES = "view_disputes"  # read disputes (a department member: their department's only)
VIEW_ALL_DISPUTES = "view_all_disputes"  # every department's disputes
WORK_DISPUTES = "work_disputes"  # comment, move through the workflow, resolve, attach evidence
MANAGE_DISPUTES = "manage_disputes"  # import disputes, configure codes, categories, causes

DISPUTES = {VIEW_DISPUTES, VIEW_ALL_DISPUTES, WORK_DISPUTES, MANAGE_DISPUTES}
LEDGER_AND_SETTINGS = {
    VIEW_LEDGER,
    EDIT_LEDGER,
    IMPORT_LEDGER,
    MANAGE_SETTINGS,
    MANAGE_USERS,
    VIEW_AUDIT,
}
ALL = LEDGER_AND_SETTINGS | DISPUTES

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(ALL),
    Role.CREDIT_MANAGER: frozenset(
        {VIEW_LEDGER, EDIT_LEDGER, IMPORT_LEDGER, MANAGE_SETTINGS, VIEW_AUDIT} | DISPUTES
    ),
    Role.COLLECTOR: frozenset(
        {VIEW_LEDGER, EDIT_LEDGER, VIEW_DISPUTES, VIEW_ALL_DISPUTES, WORK_DISPUTES}
    ),
    Role.DEPARTMENT_MEMBER: frozenset({VIEW_DISPUTES, WORK_DISPUTES}),
    Role.READ_ONLY: frozenset({VIEW_LEDGER, VIEW_DISPUTES, VIEW_ALL_DISPUTES}),
}

# What an API token with the read-only scope keeps of its owner's capabilities.
READ_CAPABILITIES = frozenset({VIEW_LEDGER, VIEW_AUDIT, VIEW_DISPUTES, VIEW_ALL_DISPUTES})


def capabilities_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def has_capability(user, capability: str) -> bool:
    return capability in capabilities_of(user)
