from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")
    INTERNAL_TASK = "internal_task", _("Internal task")


class Performer(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    SALESPERSON = "salesperson", _("Salesperson")


class BlockKind(models.TextChoices):
    # A hold is a user's pause (an end date is required); a block is a dunning stop with an
    # optional end; a dispute block is created by the disputes feature, possibly on an amount.
    HOLD = "hold", _("Hold")
    BLOCK = "block", _("Dunning block")
    DISPUTE = "dispute", _("Dispute")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionSource(models.TextChoices):
    SCENARIO = "scenario", _("Scenario step")
    BROKEN_PROMISE = "broken_promise", _("Broken promise")
    MANUAL = "manual", _("Manual")


class Priority(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    HIGH = 1, _("High")


class RateKind(models.TextChoices):
    # ECB main refinancing operations rate: L441-10 adds 10 points to the one in force on
    # 1 January / 1 July. The legal interest rate ("tous les autres cas") is the floor check
    # for a contractual rate (3 times it).
    ECB_MRO = "ecb_mro", _("ECB main refinancing rate")
    LEGAL_PROFESSIONAL = "legal_professional", _("Legal interest rate (professionals)")
    LEGAL_INDIVIDUAL = "legal_individual", _("Legal interest rate (individuals)")


class CallOutcome(models.TextChoices):
    # What a collector records after a call; services/calls.py says what follows each one.
    REACHED = "reached", _("Reached, no commitment")
    NOT_REACHED = "not_reached", _("Not reached")
    PAYMENT_CONFIRMED = "payment_confirmed", _("Payment confirmed")
    PROBLEM_REPORTED = "problem_reported", _("Problem reported")
    CALL_BACK = "call_back", _("Call back later")
    WRONG_CONTACT = "wrong_contact", _("Wrong contact")


class EventKind(models.TextChoices):
    OUTCOME = "outcome", _("Call outcome")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    MANUAL = "manual", _("Manual action")
    NOTE = "note", _("Note")
