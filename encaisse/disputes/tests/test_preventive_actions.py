"""Preventive action services: record, change, move through the statuses, with a history row
and an audit row each time; and who sees which actions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from encaisse.accounts.choices import Role
from encaisse.accounts.models import Department
from encaisse.audit.models import AuditEntry
from encaisse.disputes.models_preventive import ActionStatus, PreventiveAction
from encaisse.disputes.selectors_preventive import (
    access_preventive_action,
    actions_visible_to,
    preventive_action_list,
)
from encaisse.disputes.services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
    preventive_action_update,
)

from .factories import cause, open_dispute

pytestmark = pytest.mark.django_db


def _action(actor, **extra):
    extra.setdefault("root_cause", cause("billing-error"))
    extra.setdefault("description", "Contrôle des remises à la saisie des commandes")
    extra.setdefault("due_on", dt.date(2026, 3, 31))
    return preventive_action_create(actor=actor, **extra)


def test_it_records_an_action_from_a_dispute_with_its_department(collector, department_member):
    dispute = open_dispute(collector, reason="A1")
    action = _action(collector, dispute=dispute, owner=department_member)
    assert action.status == ActionStatus.OPEN and action.department.code == "billing"
    assert action.dispute == dispute and action.created_by == collector
    assert [e.type for e in action.events.all()] == ["created"]
    assert AuditEntry.objects.filter(
        object_type="disputes.preventiveaction", action="create"
    ).exists()


def test_it_refuses_an_action_without_description(collector):
    with pytest.raises(ValidationError) as error:
        _action(collector, description="   ")
    assert "description" in error.value.message_dict
    assert not PreventiveAction.objects.exists()


def test_it_records_what_changed(collector):
    action = _action(collector)
    preventive_action_update(actor=collector, action=action, due_on=dt.date(2026, 4, 15))
    event = action.events.last()
    assert event.type == "updated"
    assert event.data == {"due_on": {"from": "2026-03-31", "to": "2026-04-15"}}
    preventive_action_update(actor=collector, action=action, due_on=dt.date(2026, 4, 15))
    assert action.events.count() == 2  # nothing changed, nothing recorded


def test_it_moves_through_the_statuses_and_keeps_the_done_date(collector):
    action = _action(collector)
    preventive_action_set_status(actor=collector, action=action, status=ActionStatus.IN_PROGRESS)
    action = preventive_action_set_status(
        actor=collector, action=action, status=ActionStatus.DONE, done_on=dt.date(2026, 4, 2)
    )
    assert (action.status, action.done_on) == (ActionStatus.DONE, dt.date(2026, 4, 2))
    action = preventive_action_set_status(
        actor=collector, action=action, status=ActionStatus.IN_PROGRESS, comment="Pas suffisant"
    )
    assert action.done_on is None
    assert [(e.from_status, e.to_status) for e in action.events.filter(type="status")] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
        ("done", "in_progress"),
    ]


def test_it_refuses_a_move_the_workflow_does_not_allow(collector):
    action = _action(collector)
    preventive_action_set_status(actor=collector, action=action, status=ActionStatus.DONE)
    with pytest.raises(ValidationError):
        preventive_action_set_status(actor=collector, action=action, status=ActionStatus.CANCELLED)
    other = _action(collector)
    with pytest.raises(ValidationError) as error:
        preventive_action_set_status(actor=collector, action=other, status=ActionStatus.CANCELLED)
    assert "comment" in error.value.message_dict


def test_department_members_see_their_department_actions(
    collector, department_member, read_only, django_user_model
):
    billing = _action(collector, department=Department.objects.get(code="billing"))
    logistics = _action(collector, department=Department.objects.get(code="logistics"))
    assert list(actions_visible_to(department_member)) == [billing]
    with pytest.raises(Http404):
        access_preventive_action(department_member, logistics.pk)
    assert set(actions_visible_to(read_only)) == {billing, logistics}
    other = django_user_model.objects.create_user(
        "olga", role=Role.DEPARTMENT_MEMBER, department=Department.objects.get(code="logistics")
    )
    assert list(actions_visible_to(other)) == [logistics]


def test_it_lists_late_actions(collector):
    late = _action(collector, due_on=dt.date(2020, 1, 1))
    _action(collector, due_on=dt.date(2099, 1, 1))
    done = _action(collector, due_on=dt.date(2020, 1, 1))
    preventive_action_set_status(actor=collector, action=done, status=ActionStatus.DONE)
    assert list(preventive_action_list(user=collector, late_on=dt.date(2026, 12, 1))) == [late]
