from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CREDIT_MANAGER = "credit_manager", _("Credit manager")
    COLLECTOR = "collector", _("Collector")
    DEPARTMENT_MEMBER = "department_member", _("Department member")
    READ_ONLY = "read_only", _("Read-only")


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class TokenScope(models.TextChoices):
    READ = "read", _("Read-only")
    READ_WRITE = "read_write", _("Read and write")
