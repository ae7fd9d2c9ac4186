"""What the customer is told comes next, per dispute status: shown on the portal page and
written into the dispute emails (in the customer's language, so lazily translated)."""

from django.utils.translation import gettext_lazy as _

from encaisse.disputes.choices import Status

NEXT_STEPS = {
    Status.NEW: _("We are reviewing your dispute and passing it to the team in charge."),
    Status.QUALIFIED: _("The team in charge is examining your dispute."),
    Status.IN_PROGRESS: _("The team in charge is working on your dispute."),
    Status.WAITING_CUSTOMER: _(
        "We need information from you: please send us a message or a document on this page."
    ),
    Status.SOLUTION_PROPOSED: _(
        "We have proposed a solution: tell us on this page whether it suits you."
    ),
    Status.RESOLVED: _("Your dispute is resolved. Nothing more is needed from you."),
    Status.CLOSED: _("Your dispute is closed."),
}


def next_step(status: str) -> str:
    return NEXT_STEPS.get(status, "")
