from django_tasks import task

from encaisse.core.dates import today

from .services import disputes_escalate


@task()
def daily_disputes_escalation() -> int:
    """Daily (core/schedule.py): escalate the disputes at risk or late. Returns how many
    escalations were recorded."""
    return sum(disputes_escalate(as_of=today()).values())
