"""``/api/v1/dunning``: the scenarios (read) and the runs (trigger, list, get).

Reading needs VIEW_LEDGER. Triggering a run goes through the same service as the daily
worker and the runs page: a dry run (``dry_run: true``, the preview: nothing is kept but its
counts) needs EDIT_LEDGER; a real run, which creates actions and sends emails and letters,
needs MANAGE_SETTINGS. Both need a read-write token."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from encaisse.accounts.capabilities import EDIT_LEDGER, MANAGE_SETTINGS, VIEW_LEDGER
from encaisse.api.access import require
from encaisse.api.errors import error_responses
from encaisse.core.dates import today

from .services import dunning_run_generate
from .services.run import payload
from .settings_selectors import access_run, access_scenario, run_list, scenario_list

router = Router(tags=["dunning"])
MAX_RUNS = 200


class StepOut(Schema):
    id: int
    name: str
    offset_days: int = Field(description="Days from the due date; negative: before it.")
    channel: str = Field(description="call, email, letter, formal_notice or internal_task")
    template_code: str
    min_amount: str = Field(description="Minimum amount due per invoice, two decimals.")
    performer: str = Field(description="collector or salesperson")
    needs_approval: bool
    include_penalties: bool

    @staticmethod
    def resolve_min_amount(step) -> str:
        return f"{step.min_amount:.2f}"


class ScenarioOut(Schema):
    id: int
    code: str
    name: str
    description: str
    active: bool
    is_default: bool
    segments: list[str] = Field(description="Codes of the segments that follow this scenario.")
    steps: list[StepOut] = Field(description="In offset order.")

    @staticmethod
    def resolve_segments(scenario) -> list[str]:
        return [mapping.segment.code for mapping in scenario.segments.all()]

    @staticmethod
    def resolve_steps(scenario):
        return list(scenario.steps.all())


class RunIn(Schema):
    as_of: dt.date | None = Field(None, description="The run's date; today when left out.")
    dry_run: bool = Field(True, description="True (the default): preview only, nothing is created.")


class RunOut(Schema):
    id: int
    as_of: dt.date
    dry_run: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None
    triggered_by: str | None

    invoices_considered: int
    invoices_dunned: int
    actions_created: int
    skipped_on_hold: int
    skipped_blocked: int
    skipped_promise: int
    skipped_threshold: int
    reanchored: int
    blocks_released: int
    promises_kept: int
    promises_partly_kept: int
    promises_broken: int


class InvoiceLineOut(Schema):
    number: str
    due_date: str
    amount_due: str = Field(description="Open amount net of disputed parts, two decimals.")


class ActionOut(Schema):
    id: int | None = Field(description="None in a dry run: nothing was kept.")
    customer_code: str
    customer_name: str
    scenario: str | None
    step: str | None = Field(description="J+15; null for the call after a broken promise.")
    step_name: str | None
    channel: str
    source: str
    status: str
    priority: int
    invoices: list[InvoiceLineOut]
    total: str


class RunDetailOut(RunOut):
    actions: list[ActionOut] = Field(
        description="The actions created (or, for a dry run just triggered, that would be). "
        "A dry run read back later has none: only its counts are kept."
    )


@router.get(
    "/scenarios",
    response={200: list[ScenarioOut], **error_responses(401, 403)},
    summary="List the dunning scenarios with their steps",
)
def scenarios_list(request):
    require(request, VIEW_LEDGER)
    return list(scenario_list(user=request.user))


@router.get(
    "/scenarios/{scenario_id}",
    response={200: ScenarioOut, **error_responses(401, 403, 404)},
    summary="Get a dunning scenario with its steps",
)
def scenario_get(request, scenario_id: int):
    require(request, VIEW_LEDGER)
    return access_scenario(request.user, scenario_id)


@router.get(
    "/runs",
    response={200: list[RunOut], **error_responses(401, 403)},
    summary="List the dunning runs, newest first",
)
def runs_list(
    request,
    limit: int = Query(50, ge=1, le=MAX_RUNS),
    offset: int = Query(0, ge=0),
    dry_run: bool | None = None,
):
    require(request, VIEW_LEDGER)
    runs = run_list(user=request.user)
    if dry_run is not None:
        runs = runs.filter(dry_run=dry_run)
    return [_run(run) for run in runs[offset : offset + limit]]


@router.get(
    "/runs/{run_id}",
    response={200: RunDetailOut, **error_responses(401, 403, 404)},
    summary="Get a dunning run with its actions",
)
def run_get(request, run_id: int):
    require(request, VIEW_LEDGER)
    run = access_run(request.user, run_id)
    return _detail(run, [] if run.dry_run else payload(run.pk))


RUN_FIELDS = [name for name in RunOut.model_fields if name != "triggered_by"]


def _run(run) -> dict:
    data = {name: getattr(run, name) for name in RUN_FIELDS}
    data["triggered_by"] = run.triggered_by.username if run.triggered_by else None
    return data


def _detail(run, actions: list[dict]) -> dict:
    """A run and its actions as the service returned them (``payload``), not recomputed."""
    return {**_run(run), "actions": actions}


@router.post(
    "/runs",
    response={200: RunDetailOut, 201: RunDetailOut, **error_responses(401, 403, 422)},
    summary="Trigger a dunning run (or preview one)",
)
def run_trigger(request, body: RunIn):
    """Run dunning for ``as_of`` (today by default). ``dry_run`` (the default) returns exactly
    what a run would create and keeps nothing but the run's counts: EDIT_LEDGER. A real run
    creates the actions: MANAGE_SETTINGS. Answers 201 for a real run, 200 for a preview."""
    require(request, EDIT_LEDGER if body.dry_run else MANAGE_SETTINGS)
    result = dunning_run_generate(
        as_of=body.as_of or today(), dry_run=body.dry_run, actor=request.user
    )
    return Status(200 if body.dry_run else 201, _detail(result.run, result.actions))
