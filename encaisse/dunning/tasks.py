from django_tasks import task

from encaisse.core.dates import today

from .services import dunning_run_generate


@task()
def daily_dunning_run() -> int:
    """Daily (core/schedule.py): today's dunning run. Returns the number of actions created."""
    return dunning_run_generate(as_of=today(), collect=False).run.actions_created
