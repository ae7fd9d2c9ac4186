from django.db import transaction

from encaisse.audit.services import audit_record, diff, snapshot

from .models import User

PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "language"]


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
