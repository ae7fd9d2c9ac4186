"""Serve Encaisse over HTTP on 127.0.0.1:8000 (static files through WhiteNoise)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        self.stdout.write(f"Encaisse is served on http://{options['addrport']}/")
        call_command("runserver", options["addrport"], use_reloader=False, insecure_serving=True)
