"""The ``encaisse`` console script: a thin layer over Django management commands.

``encaisse import FILE`` runs ``ledger_import``; ``encaisse export aged-balance`` runs
``export_aged_balance``, ``encaisse export kpis`` ``export_kpis``, ``encaisse report monthly``
``report_monthly`` and ``encaisse insights snapshot`` ``insights_snapshot``; ``encaisse serve``
runs the web server; any other word is passed to Django as it is (``encaisse migrate``,
``encaisse createuser``, ``encaisse demo``...).
"""

import os
import sys

ALIASES = {
    "import": ["ledger_import"],
    "serve": ["serve"],
}
SUBCOMMANDS = {
    ("export", "aged-balance"): ["export_aged_balance"],
    ("export", "kpis"): ["export_kpis"],
    ("report", "monthly"): ["report_monthly"],
    ("insights", "snapshot"): ["insights_snapshot"],
}


def translate(argv: list[str]) -> list[str]:
    if len(argv) >= 2 and (argv[0], argv[1]) in SUBCOMMANDS:
        return SUBCOMMANDS[(argv[0], argv[1])] + argv[2:]
    if argv and argv[0] in ALIASES:
        return ALIASES[argv[0]] + argv[1:]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    from django.core.management import execute_from_command_line

    args = translate(list(sys.argv[1:] if argv is None else argv))
    execute_from_command_line(["encaisse", *args])


if __name__ == "__main__":
    main()
