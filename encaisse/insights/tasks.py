from django_tasks import task

from .snapshots import snapshots_refresh


@task()
def insights_snapshots_refresh() -> bool:
    """Every 10 minutes (core/schedule.py): build the monthly snapshots when a month has closed
    or the ledger moved since they were built (an import, a payment, a new document). Returns
    whether they were built."""
    return snapshots_refresh()


@task()
def nightly_insights_snapshots_rebuild() -> bool:
    """Nightly (core/schedule.py): rebuild the snapshots whatever the watermark says, for the
    edits in place that leave it unchanged (an amount corrected by hand)."""
    return snapshots_refresh(rebuild=True)
