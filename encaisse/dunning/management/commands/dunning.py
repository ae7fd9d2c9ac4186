"""``encaisse dunning run --as-of YYYY-MM-DD [--dry-run] [--json]``: the dunning run from the
shell (the worker runs the same service every morning).

``--json`` prints a JSON array on stdout, one object per action created (or, with --dry-run,
that would be created): ``customer_code``, ``step`` (``J+15``; null for the call after a broken
promise), ``channel``, ``invoices`` (``number``, ``amount_due``) and ``total``, amounts as
strings with two decimals; ``amount_due`` is the open amount net of blocked (disputed) amounts,
penalties excluded. Without it, a summary for people. A bad date exits with status 1."""

import json
from collections import Counter
from functools import partial

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from encaisse.core.commands import add_as_of, as_of_date
from encaisse.dunning.choices import Channel
from encaisse.dunning.services import dunning_run_generate

JSON_BATCH = 2000  # actions written at a time
dumps = partial(json.dumps, ensure_ascii=False)


class Command(BaseCommand):
    help = "Dunning: run the scenarios for a date (create today's calls, emails and letters)."
    # The system checks load the URLs, the API and its schemas: start-up time a daily batch
    # does not need (``encaisse check`` and the server run them).
    requires_system_checks = []

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        run = subcommands.add_parser(
            "run", help="create the actions due on a date", called_from_command_line=False
        )
        add_as_of(run, "the run's date, YYYY-MM-DD (today)")
        run.add_argument("--dry-run", action="store_true", help="show, write nothing")
        run.add_argument("--json", action="store_true", help="print the actions as JSON")

    def handle(self, *args, **options):
        as_of = as_of_date(options["as_of"])
        if options["json"]:
            dunning_run_generate(
                as_of=as_of, dry_run=options["dry_run"], on_actions=self.write_json
            )
            return
        channels = Counter()
        result = dunning_run_generate(
            as_of=as_of,
            dry_run=options["dry_run"],
            on_actions=lambda actions: channels.update(action["channel"] for action in actions),
        )
        self.stdout.write("\n".join(summary(result.run, channels)))

    def write_json(self, actions) -> None:
        """The JSON array, written as the actions are read, a batch of them at a time: the
        first run over a large ledger has hundreds of thousands."""
        out = self.stdout
        out.write("[", ending="")
        batch, separator = [], ""
        for action in actions:
            batch.append(dumps(action))
            if len(batch) >= JSON_BATCH:
                out.write(separator + ", ".join(batch), ending="")
                batch, separator = [], ", "
        out.write((separator if batch else "") + ", ".join(batch) + "]")


def summary(run, channels: Counter) -> list[str]:
    status = _("dry run, nothing was written") if run.dry_run else _("done")
    labels = dict(Channel.choices)
    lines = [
        _("Dunning run of %(as_of)s: %(status)s, run %(id)s")
        % {"as_of": run.as_of.isoformat(), "status": status, "id": run.pk},
        _("  open invoices: %(considered)s, moved to a step: %(dunned)s")
        % {"considered": run.invoices_considered, "dunned": run.invoices_dunned},
        _("  actions: %(count)s") % {"count": run.actions_created},
    ]
    lines += [f"    {labels[channel]}: {count}" for channel, count in sorted(channels.items())]
    lines += [
        _(
            "  skipped: %(hold)s on hold, %(blocked)s blocked, %(promise)s under a promise, "
            "%(threshold)s under the minimum"
        )
        % {
            "hold": run.skipped_on_hold,
            "blocked": run.skipped_blocked,
            "promise": run.skipped_promise,
            "threshold": run.skipped_threshold,
        },
        _(
            "  re-anchored by a partial payment: %(reanchored)s; blocks and holds released: "
            "%(released)s"
        )
        % {"reanchored": run.reanchored, "released": run.blocks_released},
        _("  promises: %(kept)s kept, %(partly)s partly kept, %(broken)s broken")
        % {
            "kept": run.promises_kept,
            "partly": run.promises_partly_kept,
            "broken": run.promises_broken,
        },
    ]
    return lines
