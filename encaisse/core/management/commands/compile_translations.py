"""Compile the .po catalogues to .mo with polib, so no GNU gettext install is needed.

Catalogues live in ``LOCALE_PATHS`` (strings shared by the whole project) and in each app's own
``locale/`` folder (its pages and messages), which Django also reads: one catalogue per app keeps
changes to different apps from touching the same file."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def locale_dirs() -> list[Path]:
    dirs = [Path(d) for d in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        if config.name.startswith("encaisse."):
            dirs.append(Path(config.path) / "locale")
    return [d for d in dirs if d.is_dir()]


class Command(BaseCommand):
    help = "Compile translation catalogues (.po to .mo) without GNU gettext."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in locale_dirs():
            for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"compiled {compiled} catalogue(s)")
