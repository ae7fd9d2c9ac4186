from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from encaisse.audit.models import AuditEntry
from encaisse.customers.models import Segment
from encaisse.dunning.models import CustomerDunningProfile, Scenario, SegmentScenario, Step
from encaisse.dunning.services.scenarios import (
    customer_dunning_set,
    scenario_save,
    segment_scenario_set,
)
from encaisse.dunning.tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _step(offset, channel="email", **extra):
    return {"name": f"Step {offset}", "offset_days": offset, "channel": channel, **extra}


def test_it_creates_a_scenario_with_its_steps_in_offset_order(credit_manager):
    scenario = scenario_save(
        actor=credit_manager,
        code="court",
        name="Court",
        steps=[_step(15, "letter", min_amount="100"), _step(-3), _step(5, "call")],
    )
    assert list(scenario.steps.values_list("offset_days", "channel")) == [
        (-3, "email"),
        (5, "call"),
        (15, "letter"),
    ]
    assert scenario.steps.get(offset_days=15).min_amount == Decimal("100")
    entry = AuditEntry.objects.get(object_type="dunning.scenario", object_id=str(scenario.pk))
    assert entry.action == "create" and entry.actor == credit_manager
    assert entry.changes["steps"]["to"][0].startswith("J-3 email")


def test_it_refuses_two_steps_on_the_same_day_and_changes_nothing(credit_manager):
    with pytest.raises(ValidationError) as error:
        scenario_save(actor=credit_manager, code="x", name="X", steps=[_step(5), _step(5, "call")])
    assert "J+5" in error.value.message_dict["steps"][0]
    assert not Scenario.objects.filter(code="x").exists()


def test_it_names_the_step_and_field_that_is_wrong(credit_manager):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        scenario_save(
            actor=credit_manager,
            code="x",
            name="X",
            steps=[_step(5), _step(10, channel="pigeon"), _step(20, min_amount="-1")],
        )
    messages = error.value.message_dict["steps"]
    assert any("Step 2" in m and "channel" in m for m in messages)
    assert any("Step 3" in m and "minimum" in m for m in messages)


def test_it_edits_steps_in_place_keeping_their_ids(credit_manager):
    standard = Scenario.objects.get(code="standard")
    steps = list(standard.steps.order_by("offset_days"))
    kept = [
        {"id": s.pk, "name": s.name, "offset_days": s.offset_days, "channel": s.channel}
        for s in steps
    ]
    # Swap the days of the first two steps and drop the last one.
    kept[0]["offset_days"], kept[1]["offset_days"] = kept[1]["offset_days"], kept[0]["offset_days"]
    scenario_save(
        actor=credit_manager,
        scenario=standard,
        code="standard",
        name="Standard",
        is_default=True,
        steps=kept[:-1],
    )
    assert Step.objects.get(pk=steps[0].pk).offset_days == steps[1].offset_days
    assert Step.objects.get(pk=steps[1].pk).offset_days == steps[0].offset_days
    assert not Step.objects.filter(pk=steps[-1].pk).exists()
    entry = AuditEntry.objects.filter(object_type="dunning.scenario").latest("id")
    assert entry.action == "update" and "steps" in entry.changes


def test_it_moves_the_default_to_the_new_default(credit_manager):
    scenario_save(actor=credit_manager, code="new", name="New", is_default=True, steps=[_step(1)])
    assert list(Scenario.objects.filter(is_default=True).values_list("code", flat=True)) == ["new"]


def test_it_refuses_to_drop_the_default_without_a_replacement(credit_manager):
    standard = Scenario.objects.get(code="standard")
    with pytest.raises(ValidationError) as error:
        scenario_save(
            actor=credit_manager,
            scenario=standard,
            code="standard",
            name="Standard",
            is_default=False,
            steps=[_step(1)],
        )
    assert "is_default" in error.value.message_dict


def test_it_refuses_a_duplicate_code(credit_manager):
    with pytest.raises(ValidationError) as error:
        scenario_save(actor=credit_manager, code="standard", name="Again", steps=[_step(1)])
    assert "code" in error.value.message_dict


def test_it_maps_a_segment_to_a_scenario_and_back_to_the_default(credit_manager):
    segment = Segment.objects.create(code="export", name="Export")
    public = Scenario.objects.get(code="secteur-public")
    segment_scenario_set(actor=credit_manager, segment=segment, scenario=public)
    assert SegmentScenario.objects.get(segment=segment).scenario == public
    segment_scenario_set(actor=credit_manager, segment=segment, scenario=None)
    assert not SegmentScenario.objects.filter(segment=segment).exists()
    assert AuditEntry.objects.filter(object_type="customers.segment").count() == 2


def test_it_sets_a_customers_own_scenario_and_rate(credit_manager):
    customer = make_customer()
    key = Scenario.objects.get(code="grands-comptes")
    customer_dunning_set(actor=credit_manager, customer=customer, scenario=key, penalty_rate="12.5")
    profile = CustomerDunningProfile.objects.get(customer=customer)
    assert (profile.scenario, profile.penalty_rate) == (key, Decimal("12.5"))
    entry = AuditEntry.objects.get(object_type="customers.customer")
    assert entry.changes["dunning_scenario"]["to"] == "Grands comptes"


def test_it_refuses_a_negative_contractual_rate(credit_manager):
    with pytest.raises(ValidationError) as error:
        customer_dunning_set(
            actor=credit_manager, customer=make_customer(), scenario=None, penalty_rate="-1"
        )
    assert "penalty_rate" in error.value.message_dict
