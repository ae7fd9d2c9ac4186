"""The dunning runs pages: the runs (who, when, dry or real, counts, duration), a run's
actions grouped per customer and channel, a preview (a dry run of the real service, shown as
it returns it) and "run now" for today.

Reading needs VIEW_LEDGER. A preview records a dry run (who looked, what it would have done):
EDIT_LEDGER, so collectors can see what tomorrow brings. A real run sends letters and emails
out: MANAGE_SETTINGS (administrators and credit managers)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from encaisse.accounts.capabilities import (
    EDIT_LEDGER,
    MANAGE_SETTINGS,
    VIEW_LEDGER,
    has_capability,
)
from encaisse.core.access import capability_required
from encaisse.core.dates import today

from ..choices import ActionStatus, Channel
from ..services import dunning_run_generate
from ..settings_forms import RunDateForm
from ..settings_selectors import access_run, run_actions, run_list

RUNS_PAGE_SIZE = 50
ACTIONS_PAGE_SIZE = 100


def _labelled(actions: list[dict]) -> list[dict]:
    """The service's action dicts with the channel's and status's labels for display."""
    return [
        {
            **action,
            "channel_label": Channel(action["channel"]).label,
            "status": ActionStatus(action["status"]).label,
        }
        for action in actions
    ]


def _as_dicts(actions) -> list[dict]:
    """A real run's stored actions in the shape the service returns (``payload``)."""
    return [
        {
            "id": action.pk,
            "customer_code": action.customer.code,
            "customer_name": action.customer.name,
            "customer_id": action.customer_id,
            "step": None if action.step is None else f"J{action.step.offset_days:+d}",
            "step_name": action.step.name if action.step else "",
            "channel": action.channel,
            "channel_label": action.get_channel_display(),
            "status": action.get_status_display(),
            "invoices": [
                {
                    "number": line.invoice.number,
                    "due_date": line.invoice.due_date,
                    "amount_due": line.amount_due,
                }
                for line in action.lines.all()
            ],
            "total": action.total,
        }
        for action in actions
    ]


def _with_seconds(runs) -> list:
    """The runs with ``seconds``: how long each took (None while running)."""
    runs = list(runs)
    for run in runs:
        run.seconds = (
            (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        )
    return runs


def _can(user) -> dict:
    return {
        "can_preview": has_capability(user, EDIT_LEDGER),
        "can_run": has_capability(user, MANAGE_SETTINGS),
    }


@capability_required(VIEW_LEDGER)
def runs(request):
    page = Paginator(run_list(user=request.user), RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "runs": _with_seconds(page.object_list),
        "form": RunDateForm(initial={"as_of": today()}),
        "today": today(),
        **_can(request.user),
    }
    return render(request, "dunning/settings/runs.html", context)


@capability_required(VIEW_LEDGER)
def run_detail(request, run_id: int):
    run = access_run(request.user, run_id)
    page = Paginator(run_actions(run), ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"run": run, "page": page, "actions": _as_dicts(page.object_list)}
    return render(request, "dunning/settings/run_detail.html", context)


@capability_required(EDIT_LEDGER)
@require_POST
def run_preview(request):
    """Exactly what a run on the chosen date would create: the service's own dry run."""
    form = RunDateForm(request.POST)
    if not form.is_valid():
        context = {
            "page": Paginator(run_list(user=request.user), RUNS_PAGE_SIZE).get_page(1),
            "form": form,
            "today": today(),
            **_can(request.user),
        }
        context["runs"] = _with_seconds(context["page"].object_list)
        return render(request, "dunning/settings/runs.html", context, status=400)
    result = dunning_run_generate(
        as_of=form.cleaned_data["as_of"], dry_run=True, actor=request.user
    )
    context = {"run": result.run, "actions": _labelled(result.actions), **_can(request.user)}
    return render(request, "dunning/settings/run_preview.html", context)


@capability_required(MANAGE_SETTINGS)
@require_POST
def run_now(request):
    result = dunning_run_generate(as_of=today(), actor=request.user)
    count = result.run.actions_created
    messages.success(
        request,
        ngettext(
            "Today's dunning run created %(count)s action.",
            "Today's dunning run created %(count)s actions.",
            count,
        )
        % {"count": count},
    )
    return redirect("dunning_settings:run", run_id=result.run.pk)
