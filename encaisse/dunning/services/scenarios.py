"""Writes to the dunning settings: scenarios and their steps, which segment follows which
scenario, and a customer's own scenario and contractual penalty rate. Each in one transaction
with an audit row. Called by the dunning settings pages (``views/scenarios.py``).

Steps are edited in place (kept by id) rather than replaced: the run remembers an invoice's
progress as an offset, and actions keep a link to their step, so an edit must not lose them."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from encaisse.audit.services import audit_record, diff, snapshot

from ..choices import Channel, Performer
from ..models import CustomerDunningProfile, Scenario, SegmentScenario, Step

SCENARIO_FIELDS = ["code", "name", "description", "active", "is_default"]
STEP_FIELDS = [
    "name",
    "offset_days",
    "channel",
    "template_code",
    "min_amount",
    "performer",
    "needs_approval",
    "include_penalties",
]
MAX_OFFSET_DAYS = 365


def _step_errors(index: int, step: dict) -> list[str]:
    """What is wrong with one step, as messages naming the step and the field."""
    number = index + 1
    errors = []
    if not str(step.get("name") or "").strip():
        errors.append(_("Step %(number)s: enter a name.") % {"number": number})
    offset = step.get("offset_days")
    if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > MAX_OFFSET_DAYS:
        errors.append(
            _("Step %(number)s: days from the due date must be a whole number within %(max)s.")
            % {"number": number, "max": MAX_OFFSET_DAYS}
        )
    if step.get("channel") not in Channel.values:
        errors.append(_("Step %(number)s: unknown channel.") % {"number": number})
    if step.get("performer", Performer.COLLECTOR) not in Performer.values:
        errors.append(_("Step %(number)s: unknown performer.") % {"number": number})
    template = str(step.get("template_code") or "")
    if template and slugify(template) != template:
        errors.append(
            _("Step %(number)s: a template code has only letters, digits and dashes.")
            % {"number": number}
        )
    try:
        minimum = Decimal(str(step.get("min_amount") if step.get("min_amount") is not None else 0))
    except InvalidOperation:
        minimum = None
    if minimum is None or minimum < 0 or not minimum.is_finite():
        errors.append(
            _("Step %(number)s: the minimum amount must be zero or more.") % {"number": number}
        )
    return errors


def _check_steps(steps: list[dict]) -> None:
    errors = []
    for index, step in enumerate(steps):
        errors.extend(_step_errors(index, step))
    offsets = [step.get("offset_days") for step in steps]
    duplicates = sorted({o for o in offsets if isinstance(o, int) and offsets.count(o) > 1})
    for offset in duplicates:
        errors.append(
            _("Two steps fall on J%(offset)+d: each step needs its own day.") % {"offset": offset}
        )
    if not steps:
        errors.append(_("A scenario needs at least one step."))
    if errors:
        raise ValidationError({"steps": errors})


def _check_scenario(scenario: Scenario) -> None:
    errors = {}
    if not scenario.code or slugify(scenario.code) != scenario.code:
        errors["code"] = [_("Enter a code of letters, digits and dashes.")]
    elif Scenario.objects.filter(code=scenario.code).exclude(pk=scenario.pk).exists():
        errors["code"] = [_("Another scenario already has this code.")]
    if not scenario.name.strip():
        errors["name"] = [_("Enter a name.")]
    if scenario.is_default and not scenario.active:
        errors["active"] = [_("The default scenario must stay active.")]
    if errors:
        raise ValidationError(errors)


def _steps_snapshot(scenario: Scenario) -> list[str]:
    return [
        f"J{s.offset_days:+d} {s.channel} {s.name} min={s.min_amount} {s.performer}"
        f"{' approval' if s.needs_approval else ''}{' penalties' if s.include_penalties else ''}"
        for s in scenario.steps.order_by("offset_days")
    ]


def _save_steps(scenario: Scenario, steps: list[dict]) -> None:
    """Update kept steps (by ``id``), create new ones, delete the others. Offsets are unique per
    scenario in the database too, so moved steps first park on temporary offsets."""
    existing = {step.pk: step for step in scenario.steps.select_for_update()}
    kept_ids = {step.get("id") for step in steps if step.get("id") in existing}
    Step.objects.filter(scenario=scenario).exclude(pk__in=kept_ids).delete()
    # Park kept steps out of the way of each other (offsets beyond any valid one).
    for parked, pk in enumerate(sorted(kept_ids)):
        Step.objects.filter(pk=pk).update(offset_days=-(MAX_OFFSET_DAYS + 1 + parked))
    for data in sorted(steps, key=lambda s: s["offset_days"]):
        values = {
            "name": str(data["name"]).strip(),
            "offset_days": data["offset_days"],
            "channel": data["channel"],
            "template_code": data.get("template_code") or "",
            "min_amount": Decimal(str(data.get("min_amount") or 0)),
            "performer": data.get("performer") or Performer.COLLECTOR,
            "needs_approval": bool(data.get("needs_approval")),
            "include_penalties": bool(data.get("include_penalties")),
        }
        if data.get("id") in existing:
            Step.objects.filter(pk=data["id"]).update(**values)
        else:
            Step.objects.create(scenario=scenario, **values)


@transaction.atomic
def scenario_save(
    *,
    actor,
    scenario: Scenario | None = None,
    code: str,
    name: str,
    description: str = "",
    active: bool = True,
    is_default: bool = False,
    steps: list[dict],
) -> Scenario:
    """Create a scenario (``scenario`` None) or change one, with its whole list of steps.

    ``steps`` are dicts of ``STEP_FIELDS`` plus ``id`` for a step kept from before; steps of
    the scenario missing from the list are deleted. Offsets must be distinct; steps are stored
    in offset order whatever order they come in. Making a scenario the default takes it from
    the previous default. Bad input raises a ValidationError keyed by field (``steps`` for the
    steps' messages, which name the step) and changes nothing."""
    creating = scenario is None
    if creating:
        scenario = Scenario()
        before, steps_before = dict.fromkeys(SCENARIO_FIELDS), []
    else:
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        before, steps_before = snapshot(scenario, SCENARIO_FIELDS), _steps_snapshot(scenario)
        if scenario.is_default and not is_default:
            raise ValidationError(
                {"is_default": _("Make another scenario the default instead of this one.")}
            )
    scenario.code = (code or "").strip()
    scenario.name = (name or "").strip()
    scenario.description = description or ""
    scenario.active = bool(active)
    scenario.is_default = bool(is_default)
    _check_scenario(scenario)
    _check_steps(steps)
    if scenario.is_default:
        Scenario.objects.filter(is_default=True).exclude(pk=scenario.pk).update(is_default=False)
    scenario.save()
    _save_steps(scenario, steps)
    changes = diff(before, snapshot(scenario, SCENARIO_FIELDS))
    steps_after = _steps_snapshot(scenario)
    if steps_after != steps_before:
        changes["steps"] = {"from": steps_before or None, "to": steps_after}
    if changes:
        audit_record(
            actor=actor,
            action="create" if creating else "update",
            instance=scenario,
            changes=changes,
        )
    return scenario


@transaction.atomic
def segment_scenario_set(*, actor, segment, scenario: Scenario | None) -> None:
    """Make ``segment``'s customers follow ``scenario`` (None: the default scenario)."""
    current = SegmentScenario.objects.select_for_update().filter(segment=segment).first()
    before = current.scenario if current else None
    if (before.pk if before else None) == (scenario.pk if scenario else None):
        return
    if scenario is None:
        current.delete()
    elif current is None:
        SegmentScenario.objects.create(segment=segment, scenario=scenario)
    else:
        current.scenario = scenario
        current.save(update_fields=["scenario"])
    audit_record(
        actor=actor,
        action="update",
        instance=segment,
        changes={
            "dunning_scenario": {
                "from": str(before) if before else None,
                "to": str(scenario) if scenario else None,
            }
        },
    )


def _rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"penalty_rate": _("Enter a rate in percent.")}) from None
    if not rate.is_finite() or rate < 0 or rate >= 100:
        raise ValidationError({"penalty_rate": _("Enter a rate between 0 and 100 percent.")})
    return rate


@transaction.atomic
def customer_dunning_set(
    *, actor, customer, scenario: Scenario | None, penalty_rate=None
) -> CustomerDunningProfile:
    """Set a customer's own scenario (None: its segment's, or the default) and contractual
    penalty rate (None: the legal default, ECB + 10 points)."""
    rate = _rate(penalty_rate)
    profile, _created = CustomerDunningProfile.objects.select_for_update().get_or_create(
        customer=customer
    )
    before = {
        "scenario": str(profile.scenario) if profile.scenario else None,
        "penalty_rate": None if profile.penalty_rate is None else str(profile.penalty_rate),
    }
    profile.scenario = scenario
    profile.penalty_rate = rate
    profile.save()
    after = {
        "scenario": str(scenario) if scenario else None,
        "penalty_rate": None if rate is None else str(rate),
    }
    changes = diff(before, after)
    if changes:
        audit_record(
            actor=actor,
            action="update",
            instance=customer,
            changes={f"dunning_{k}": v for k, v in changes.items()},
        )
    return profile
