"""Writes to users, departments and API tokens. Each runs in one transaction with an audit row.

Called by the profile, users, departments and tokens pages and by ``encaisse createuser``."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record, diff, snapshot

from .capabilities import READ_CAPABILITIES, capabilities_of
from .choices import Language, Role, TokenScope
from .models import ApiToken, Department, User, hash_token

PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "language"]
USER_FIELDS = ["first_name", "last_name", "email", "role", "department", "language", "is_active"]
DEPARTMENT_FIELDS = ["code", "name", "head"]


@transaction.atomic
def user_update_profile(*, actor: User, user: User, data: dict) -> User:
    """Change a user's own profile (name, email, phone, language) and record the change."""
    before = snapshot(user, PROFILE_FIELDS)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.full_clean()
    user.save(update_fields=PROFILE_FIELDS)
    changes = diff(before, snapshot(user, PROFILE_FIELDS))
    if changes:
        audit_record(actor=actor, action="update", instance=user, changes=changes)
    return user


# Users ----------------------------------------------------------------------------------------


def _check_role(user: User) -> None:
    if user.role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s. Choose one of: %(roles)s.")
                % {"role": user.role, "roles": ", ".join(Role.values)}
            }
        )
    if user.role == Role.DEPARTMENT_MEMBER and user.department_id is None:
        raise ValidationError({"department": _("A department member needs a department.")})


def _check_an_admin_remains(user: User, *, was_admin: bool) -> None:
    """Nobody may remove the last active administrator: the installation would be unmanageable."""
    if not was_admin or (user.role == Role.ADMIN and user.is_active):
        return
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            {"role": _("This is the last active administrator; appoint another one first.")}
        )


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
    language: str = Language.FRENCH,
    is_active: bool = True,
) -> User:
    """Create a user with a role (users page, ``encaisse createuser``).

    The password goes through the project's password validators; a username already taken
    raises a ValidationError with code ``unique``."""
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {
                "username": ValidationError(
                    _("The username %(username)s is already taken.") % {"username": username},
                    code="unique",
                )
            }
        )
    user = User(
        username=username,
        role=role,
        email=email or "",
        first_name=first_name or "",
        last_name=last_name or "",
        department=department,
        language=language or Language.FRENCH,
        is_active=is_active,
    )
    _check_role(user)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="create",
        instance=user,
        changes={
            name: {"from": None, "to": value}
            for name, value in snapshot(user, ["username", *USER_FIELDS]).items()
        },
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, data: dict) -> User:
    """Change a user's role, department, language, names, email or active flag (users page).

    ``data`` may also hold ``password`` to set a new one. Returns a fresh instance."""
    current = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(current, USER_FIELDS)
    was_admin = current.role == Role.ADMIN and current.is_active
    for name in USER_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    _check_role(current)
    _check_an_admin_remains(current, was_admin=was_admin)
    changes = diff(before, snapshot(current, USER_FIELDS))
    if data.get("password"):
        try:
            validate_password(data["password"], current)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        current.set_password(data["password"])
        changes["password"] = {"from": "", "to": _("changed")}
    if not changes:
        return current
    current.full_clean(exclude=["password"])
    current.save()
    if "is_active" in changes and not current.is_active:
        # A deactivated user's tokens stop at once (auth checks is_active too); revoke them so
        # that reactivating the account does not silently bring old tokens back.
        current.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="update", instance=current, changes=changes)
    return current


# Departments ----------------------------------------------------------------------------------


@transaction.atomic
def department_create(*, actor, code: str, name: str, head: User | None = None) -> Department:
    """Add a department (sales, billing, logistics...) that resolves disputes."""
    department = Department(code=code, name=name, head=head)
    department.full_clean()
    department.save()
    audit_record(
        actor=actor,
        action="create",
        instance=department,
        changes={
            k: {"from": None, "to": v} for k, v in snapshot(department, DEPARTMENT_FIELDS).items()
        },
    )
    return department


@transaction.atomic
def department_update(*, actor, department: Department, data: dict) -> Department:
    """Rename a department, change its code or its head."""
    current = Department.objects.select_for_update().get(pk=department.pk)
    before = snapshot(current, DEPARTMENT_FIELDS)
    for name in DEPARTMENT_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    current.full_clean()
    changes = diff(before, snapshot(current, DEPARTMENT_FIELDS))
    if changes:
        current.save()
        audit_record(actor=actor, action="update", instance=current, changes=changes)
    return current


# API tokens -----------------------------------------------------------------------------------


def token_scopes_for(user: User) -> list[str]:
    """The scopes ``user`` may give a token: read-write only when the role can change things."""
    if capabilities_of(user) - READ_CAPABILITIES:
        return [TokenScope.READ, TokenScope.READ_WRITE]
    return [TokenScope.READ]


@transaction.atomic
def token_create(*, actor: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor`` (the tokens page).

    Returns the token and its raw value, which the page shows once: only its SHA-256 is kept.
    Whatever its scope, a token never does more than its owner's role allows."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if scope not in token_scopes_for(actor):
        raise ValidationError({"scope": _("Your role cannot hold a token with this scope.")})
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=actor, name=name, scope=scope, token_hash=hash_token(raw), hint=raw[:10]
    )
    audit_record(
        actor=actor,
        action="create",
        instance=token,
        changes={"name": {"from": None, "to": name}, "scope": {"from": None, "to": scope}},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token now; requests carrying it get 401 from then on. Revoking twice is a no-op."""
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="revoke",
            instance=current,
            changes={"revoked_at": {"from": None, "to": current.revoked_at.isoformat()}},
        )
    return current
