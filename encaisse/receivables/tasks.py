from django_tasks import task

from .services import customer_balances_refresh


@task()
def refresh_customer_balances() -> int:
    """Daily: recompute every customer's stored open and overdue balances as of today."""
    return customer_balances_refresh()
