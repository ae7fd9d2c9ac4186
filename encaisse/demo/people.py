"""The demo users: one per role (two collectors, one member per department, who heads it and
owns its disputes by default), all with one password."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from encaisse.accounts.choices import Language, Role
from encaisse.accounts.models import Department, User

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    department: str = ""  # a Department code, for department members


DEMO_USERS = [
    DemoUser("admin", "Agnès", "Marchand", Role.ADMIN),
    DemoUser("manager", "Claire", "Fontaine", Role.CREDIT_MANAGER),
    DemoUser("collector", "Colin", "Barbier", Role.COLLECTOR),
    DemoUser("collector2", "Yasmine", "Haddad", Role.COLLECTOR),
    DemoUser("billing", "Denis", "Lemoine", Role.DEPARTMENT_MEMBER, "billing"),
    DemoUser("logistics", "Lucie", "Carpentier", Role.DEPARTMENT_MEMBER, "logistics"),
    DemoUser("sales", "Samuel", "Renard", Role.DEPARTMENT_MEMBER, "sales"),
    DemoUser("sales2", "Sarah", "Colin", Role.DEPARTMENT_MEMBER, "sales"),
    DemoUser("adv", "Amandine", "Perrot", Role.DEPARTMENT_MEMBER, "administration"),
    DemoUser("quality", "Quentin", "Morel", Role.DEPARTMENT_MEMBER, "quality"),
    DemoUser("technical", "Thomas", "Giraud", Role.DEPARTMENT_MEMBER, "technical"),
    DemoUser("readonly", "Romain", "Aubert", Role.READ_ONLY),
]


def demo_users_ensure() -> dict[str, User]:
    """Create the demo users, or put existing ones back to their demo role and password.

    Users go through ``create_user``; the password hash is computed once and shared, because
    hashing it per user (PBKDF2, about 0.3 s each) would be most of the demo's run time."""
    departments = {d.code: d for d in Department.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    users = {}
    for spec in DEMO_USERS:
        fields = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@encaisse-demo.example.com",
            "role": spec.role,
            "department": departments.get(spec.department) if spec.department else None,
            "language": Language.FRENCH,
            "is_active": True,
            "is_staff": spec.role == Role.ADMIN,
            "is_superuser": spec.role == Role.ADMIN,
        }
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(spec.username, password=None, **fields)
        else:
            for name, value in fields.items():
                setattr(user, name, value)
        user.password = password_hash
        user.save()
        users[spec.username] = user
    # Each department's first demo member heads it and receives its disputes by default.
    for spec in DEMO_USERS:
        department = departments.get(spec.department) if spec.department else None
        if department is not None and department.default_owner_id is None:
            department.default_owner = department.head = users[spec.username]
            department.save(update_fields=["default_owner", "head"])
    return users
