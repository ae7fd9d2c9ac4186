from django_tasks import task

from .services import dispatch_pending, outbox_send_due


@task()
def correspondence_tick() -> dict:
    """Every two minutes (core/schedule.py): dispatch the planned email, letter and formal-
    notice actions (those of the morning's run, after its commit), then send due emails."""
    dispatched = dispatch_pending()
    return {"dispatched": dispatched, **outbox_send_due()}
