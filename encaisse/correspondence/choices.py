from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class TemplateChannel(models.TextChoices):
    # The dunning channels a template can serve (dunning.choices.Channel).
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")
    CALL = "call", _("Phone call")
    INTERNAL_TASK = "internal_task", _("Internal task")
