import pytest

from encaisse.customers.models import Segment
from encaisse.dunning.models import ReferenceRate, Scenario, SegmentScenario

pytestmark = pytest.mark.django_db


def test_it_ships_standard_as_the_default_scenario_with_its_steps():
    standard = Scenario.objects.get(is_default=True)
    assert standard.name == "Standard"
    steps = list(standard.steps.values_list("offset_days", "channel"))
    assert steps == [
        (-10, "call"),
        (-3, "email"),
        (5, "email"),
        (15, "letter"),
        (25, "call"),
        (35, "formal_notice"),
        (50, "internal_task"),
    ]
    notice = standard.steps.get(offset_days=35)
    assert notice.name == "Mise en demeure"
    assert notice.include_penalties and notice.needs_approval


def test_it_maps_the_default_segments():
    mapping = {
        s.segment.code: s.scenario.name for s in SegmentScenario.objects.select_related("segment")
    }
    assert mapping["key-accounts"] == "Grands comptes"
    assert mapping["public"] == "Secteur public"
    assert mapping["sme"] == "Standard"
    assert Segment.objects.count() == len(mapping)


def test_it_ships_reference_rates_for_2024_to_2026():
    assert ReferenceRate.objects.filter(kind="ecb_mro").count() == 6
    assert ReferenceRate.objects.filter(kind="legal_professional").count() == 6
    unconfirmed = ReferenceRate.objects.filter(confirmed=False)
    assert {r.starts_on.isoformat() for r in unconfirmed} == {"2026-07-01"}
