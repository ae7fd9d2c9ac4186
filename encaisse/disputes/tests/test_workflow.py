"""The workflow: allowed and refused transitions, events with who and the comment, resolution,
closing and reopening."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from encaisse.disputes.choices import EventType, Outcome, Status
from encaisse.disputes.services import (
    dispute_assign,
    dispute_close,
    dispute_comment,
    dispute_qualify,
    dispute_reopen,
    dispute_resolve,
    dispute_transition,
)
from encaisse.disputes.workflow import allowed_next, check_transition

from .factories import cause, code, open_dispute

pytestmark = pytest.mark.django_db


def test_it_allows_only_the_moves_of_the_table():
    assert allowed_next(Status.NEW) == [Status.QUALIFIED]
    assert allowed_next(Status.CLOSED) == [Status.IN_PROGRESS]
    check_transition(Status.IN_PROGRESS, Status.WAITING_CUSTOMER)
    with pytest.raises(ValidationError) as caught:
        check_transition(Status.NEW, Status.RESOLVED)
    message = caught.value.message_dict["status"][0]
    for status in (Status.NEW, Status.RESOLVED, Status.QUALIFIED):
        assert str(status.label) in message


def test_it_walks_the_whole_workflow_recording_who_and_why(collector, department_member):
    dispute = open_dispute(collector, reason=None)
    dispute = dispute_qualify(actor=collector, dispute=dispute, reason_code=code("A1"))
    for status in (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.SOLUTION_PROPOSED):
        dispute = dispute_transition(
            actor=department_member, dispute=dispute, to_status=status, comment=f"to {status}"
        )
    dispute = dispute_resolve(
        actor=department_member,
        dispute=dispute,
        outcome=Outcome.CREDIT_NOTE,
        founded=True,
        root_cause=cause(),
        credit_note_number="AV-2026-001",
        credit_note_amount="2500.00",
        comment="Avoir émis",
    )
    dispute = dispute_close(actor=collector, dispute=dispute)
    assert dispute.status == Status.CLOSED and dispute.closed_at and dispute.resolved_at
    assert dispute.credit_note_amount == Decimal("2500.00")
    moves = [
        (e.from_status, e.to_status, e.actor)
        for e in dispute.events.filter(type=EventType.TRANSITION)
    ]
    assert moves == [
        (Status.NEW, Status.QUALIFIED, collector),
        (Status.QUALIFIED, Status.IN_PROGRESS, department_member),
        (Status.IN_PROGRESS, Status.WAITING_CUSTOMER, department_member),
        (Status.WAITING_CUSTOMER, Status.SOLUTION_PROPOSED, department_member),
        (Status.SOLUTION_PROPOSED, Status.RESOLVED, department_member),
        (Status.RESOLVED, Status.CLOSED, collector),
    ]
    resolved = dispute.events.get(to_status=Status.RESOLVED)
    assert resolved.comment == "Avoir émis"
    assert resolved.data["credit_note_number"] == "AV-2026-001"


def test_it_refuses_an_invalid_transition_and_changes_nothing(collector):
    dispute = open_dispute(collector, reason=None)
    with pytest.raises(ValidationError):
        dispute_transition(actor=collector, dispute=dispute, to_status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        dispute_close(actor=collector, dispute=dispute)
    dispute.refresh_from_db()
    assert dispute.status == Status.NEW
    assert not dispute.events.filter(type=EventType.TRANSITION).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "lost"}, "outcome"),
        ({"founded": None}, "founded"),
        ({"outcome": Outcome.REJECTED, "founded": True}, "founded"),
        ({"root_cause": None}, "root_cause"),
        ({"outcome": Outcome.CREDIT_NOTE}, "credit_note_number"),
        (
            {"outcome": Outcome.CREDIT_NOTE, "credit_note_number": "AV1", "credit_note_amount": 0},
            "credit_note_amount",
        ),
    ],
)
def test_it_refuses_an_incomplete_resolution(collector, kwargs, field):
    dispute = open_dispute(collector)
    arguments = {"outcome": Outcome.REPAIRED, "founded": True, "root_cause": cause(), **kwargs}
    with pytest.raises(ValidationError) as caught:
        dispute_resolve(actor=collector, dispute=dispute, **arguments)
    assert field in caught.value.message_dict


def test_it_reopens_with_a_comment_and_keeps_the_old_resolution_in_the_timeline(collector):
    dispute = open_dispute(collector)
    dispute = dispute_resolve(
        actor=collector,
        dispute=dispute,
        outcome=Outcome.REJECTED,
        founded=False,
        root_cause=cause("customer-error"),
    )
    with pytest.raises(ValidationError) as caught:
        dispute_reopen(actor=collector, dispute=dispute, comment=" ")
    assert "comment" in caught.value.message_dict
    dispute = dispute_reopen(actor=collector, dispute=dispute, comment="Nouvelle preuve")
    assert dispute.status == Status.IN_PROGRESS
    assert dispute.outcome == "" and dispute.founded is None and dispute.resolved_at is None
    event = dispute.events.last()
    assert event.data["previous_resolution"]["outcome"] == Outcome.REJECTED
    with pytest.raises(ValidationError):
        dispute_reopen(actor=collector, dispute=dispute, comment="encore")


def test_it_records_comments_and_handovers(collector, department_member):
    from encaisse.accounts.models import Department

    dispute = open_dispute(collector)
    dispute_comment(actor=department_member, dispute=dispute, comment="J'appelle le client")
    with pytest.raises(ValidationError):
        dispute_comment(actor=collector, dispute=dispute, comment="")
    logistics = Department.objects.get(code="logistics")
    dispute = dispute_assign(actor=collector, dispute=dispute, department=logistics)
    assert dispute.department == logistics
    assert [e.type for e in dispute.events.all()][-2:] == [EventType.COMMENT, EventType.ASSIGNED]
    assert dispute.events.last().data["to"]["department"] == logistics.name
