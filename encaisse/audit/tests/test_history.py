from django.template.loader import render_to_string
from django.utils import translation

from encaisse.audit.selectors import audit_history_for
from encaisse.audit.services import audit_record
from encaisse.receivables.tests.factories import make_customer


def test_it_lists_only_the_objects_own_changes_newest_first(db, collector):
    dupont = make_customer("C1", "Dupont SA")
    martin = make_customer("C2", "Martin SARL")
    first = audit_record(actor=collector, action="create", instance=dupont)
    audit_record(actor=collector, action="update", instance=martin)
    second = audit_record(
        actor=collector,
        action="update",
        instance=dupont,
        changes={"name": {"from": "a", "to": "b"}},
    )

    assert audit_history_for(dupont) == [second, first]


def test_it_renders_the_history_in_french_from_the_apps_own_catalogue(db, collector):
    dupont = make_customer("C1", "Dupont SA")
    audit_record(
        actor=collector,
        action="update",
        instance=dupont,
        changes={"email": {"from": None, "to": "compta@dupont.fr"}},
    )
    with translation.override("fr"):
        html = render_to_string("audit/_history.html", {"entries": audit_history_for(dupont)})
    assert "Historique" in html
    assert "colin" in html
    assert "compta@dupont.fr" in html


def test_it_names_fields_and_choices_in_words_and_shows_nothing_as_a_dash(db, collector):
    dupont = make_customer("C1", "Dupont SA")
    audit_record(
        actor=collector,
        action="update",
        instance=dupont,
        changes={
            "terms_kind": {"from": "", "to": "eom"},
            "retired_field": {"from": 1, "to": 2},
        },
    )
    with translation.override("en"):
        html = render_to_string("audit/_history.html", {"entries": audit_history_for(dupont)})
    assert "Payment terms</span>: — → N days, end of month" in html
    assert "retired_field</span>: 1 → 2" in html
    assert "changed" in html
