"""``encaisse insights snapshot [--rebuild]``: build the insights' monthly snapshots (the 36
months before the current one, and the day's position, delays and forecast) when a month has
closed, the day has changed or the ledger moved since the last build; ``--rebuild`` builds them
whatever. The worker does the same every 10 minutes."""

import time

from django.core.management.base import BaseCommand

from encaisse.insights.snapshots import snapshots_refresh


class Command(BaseCommand):
    help = "Build the insights' monthly snapshots (when out of date, or always with --rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="build them even when fresh")

    def handle(self, *args, rebuild, **options):
        started = time.perf_counter()
        built = snapshots_refresh(rebuild=rebuild)
        seconds = time.perf_counter() - started
        if built:
            self.stdout.write(f"snapshots built in {seconds:.1f} s")
        else:
            self.stdout.write("snapshots up to date: nothing to build")
