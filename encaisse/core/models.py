from django.db import models


class ScheduledRun(models.Model):
    """One firing of a scheduled job. The unique (job, slot) row is the claim: when several
    workers run (on several machines), only the one whose INSERT succeeds enqueues the task."""

    job = models.CharField(max_length=64)
    slot = models.DateTimeField(help_text="The cron time this run stands for.")
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]

    def __str__(self):
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
