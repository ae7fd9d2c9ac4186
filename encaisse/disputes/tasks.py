from django_tasks import task

from encaisse.core.dates import today

from .services import abuse_scores_refresh, disputes_escalate


@task()
def daily_disputes_escalation() -> int:
    """Daily (core/schedule.py): escalate the disputes at risk or late. Returns how many
    escalations were recorded."""
    return sum(disputes_escalate(as_of=today()).values())


@task()
def daily_abuse_scores() -> int:
    """Daily (core/schedule.py): refresh the customers' abuse scores. Returns how many
    customers are flagged."""
    return abuse_scores_refresh(as_of=today()).flagged
