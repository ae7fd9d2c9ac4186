from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    CUSTOMER_LINK = "customer_link", _("Customer link")
    SALESPERSON = "salesperson", _("Salesperson")
    IMPORT = "import", _("Import")
    E_INVOICING = "e_invoicing", _("E-invoicing status")
    MANUAL = "manual", _("Manual entry")


class Status(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for the customer")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# A dispute in one of these states blocks dunning on its disputed amounts and runs its clock.
ACTIVE_STATUSES = [
    Status.NEW,
    Status.QUALIFIED,
    Status.IN_PROGRESS,
    Status.WAITING_CUSTOMER,
    Status.SOLUTION_PROPOSED,
]
SETTLED_STATUSES = [Status.RESOLVED, Status.CLOSED]


class Outcome(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Credit note issued")
    GOODS_RETURNED = "goods_returned", _("Goods returned or replaced")
    REPAIRED = "repaired", _("Repaired")
    COMMERCIAL_GESTURE = "commercial_gesture", _("Commercial gesture")
    REJECTED = "rejected", _("Rejected as unfounded")
    WITHDRAWN = "withdrawn", _("Withdrawn by the customer")


class EventType(models.TextChoices):
    OPENED = "opened", _("Dispute registered")
    TRANSITION = "transition", _("Status changed")
    COMMENT = "comment", _("Comment")
    ASSIGNED = "assigned", _("Assignment changed")
    ESCALATED = "escalated", _("Escalated")
    EVIDENCE = "evidence", _("Evidence added")
    # From the customer portal (encaisse/portal): what the customer wrote, the satisfaction
    # follow-up asked after resolution and the customer's answer.
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")
    FOLLOW_UP = "follow_up", _("Satisfaction follow-up")
    SATISFACTION = "satisfaction", _("Satisfaction recorded")


class Escalation(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    OWNER = 1, _("Owner notified")
    HEAD = 2, _("Head of department notified")
    CREDIT_MANAGER = 3, _("Credit manager notified")


class FollowUpChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    CALL = "call", _("Phone call")
