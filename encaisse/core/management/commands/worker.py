"""``encaisse worker``: runs background tasks and the daily schedule.

With the database backend (default) it runs django-tasks-db's worker; with REDIS_URL set it
runs an RQ worker, so several machines can share the work. A thread ticks the schedule
(encaisse.core.schedule) every ``--tick`` seconds."""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from encaisse.core.schedule import run_due_jobs


class Command(BaseCommand):
    help = "Run background tasks and the daily schedule."

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=int, default=30, help="Seconds between schedule checks")
        parser.add_argument(
            "--schedule-once", action="store_true", help="Check the schedule once and exit"
        )
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Check the schedule once, run every task waiting, then exit",
        )

    def handle(self, *args, tick, schedule_once, burst, **options):
        if schedule_once or burst:
            for name in run_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if burst:
                self.run_tasks(burst=True)
            return
        stop = threading.Event()

        def tick_schedule():
            while not stop.is_set():
                try:
                    run_due_jobs()
                finally:
                    close_old_connections()
                stop.wait(tick)

        threading.Thread(target=tick_schedule, name="schedule", daemon=True).start()
        try:
            self.run_tasks(burst=False)
        finally:
            stop.set()

    def run_tasks(self, *, burst: bool):
        if settings.REDIS_URL:
            # django-tasks-rq needs its own Job class to run django-tasks Task objects.
            call_command(
                "rqworker", "default", job_class="django_tasks_rq.backend.Job", burst=burst
            )
        else:
            call_command("db_worker", queue_name="*", reload=False, batch=burst)
