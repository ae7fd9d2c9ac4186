"""A dispute's page: its facts, invoices, timeline and evidence, and the forms of the moves the
workflow allows from its status; the evidence download."""

import datetime as dt

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render

from encaisse.accounts.capabilities import (
    VIEW_ALL_DISPUTES,
    VIEW_DISPUTES,
    VIEW_LEDGER,
    WORK_DISPUTES,
    has_capability,
)
from encaisse.core.access import capability_required
from encaisse.core.dates import today
from encaisse.portal import tokens

from ..choices import ACTIVE_STATUSES, Origin, Outcome, Status
from ..forms import (
    CommentForm,
    EvidenceForm,
    HandOverForm,
    ProposeForm,
    QualifyForm,
    ResolveForm,
    TransitionForm,
)
from ..models import Dispute
from ..selectors import access_dispute, dispute_lines, dispute_timeline, ready_to_close
from ..services.evidence import evidence_path
from ..workflow import REOPEN_FROM, WORKING, allowed_next


def action_forms(dispute: Dispute) -> dict:
    """The forms of the moves open from the dispute's status (unbound)."""
    allowed = allowed_next(dispute.status)
    active = dispute.status in ACTIVE_STATUSES
    forms = {"comment": CommentForm(), "evidence": EvidenceForm()}
    if dispute.status == Status.NEW:
        forms["qualify"] = QualifyForm()
    plain = [s for s in allowed if s in WORKING] if active else []
    if plain:
        forms["transition"] = TransitionForm(allowed=plain)
    if Status.SOLUTION_PROPOSED in plain:
        forms["propose"] = ProposeForm()
    if Status.RESOLVED in allowed:
        forms["resolve"] = ResolveForm(initial={"credit_note_amount": dispute.disputed_total})
    if Status.CLOSED in allowed:
        forms["close"] = CommentForm()
    if dispute.status in REOPEN_FROM:
        forms["reopen"] = CommentForm()
    if active:
        forms["handover"] = HandOverForm()
    return forms


def _labelled(timeline: list) -> list:
    """Events with the labels of the codes their data keeps (origin, outcome)."""
    for event in timeline:
        origin, outcome = event.data.get("origin"), event.data.get("outcome")
        event.origin_label = Origin(origin).label if origin in Origin.values else origin
        event.outcome_label = Outcome(outcome).label if outcome in Outcome.values else outcome
    return timeline


def may_share_customer_link(user, dispute: Dispute) -> bool:
    """Who may read the customer's link on the dispute's page: the dispute's coordinator and
    the collections team who works every dispute (collectors, credit managers), never a
    read-only user. The link opens the customer's page to whoever holds it."""
    if not has_capability(user, WORK_DISPUTES):
        return False
    return dispute.coordinator_id == user.pk or has_capability(user, VIEW_ALL_DISPUTES)


def customer_link(dispute: Dispute) -> dict:
    """A freshly signed link to the customer's page, and until when it opens."""
    days = tokens.link_days()
    return {
        "url": tokens.dispute_link(dispute_id=dispute.pk, customer_id=dispute.customer_id),
        "days": days,
        "until": today() + dt.timedelta(days=days),
    }


def detail_context(request, dispute: Dispute, bound: dict | None = None) -> dict:
    on = today()
    active = dispute.status in ACTIVE_STATUSES
    can_work = has_capability(request.user, WORK_DISPUTES)
    forms = action_forms(dispute) if can_work else {}
    for name, form in (bound or {}).items():
        if name == "transition" and "transition" in forms:
            form.fields["to_status"].choices = forms["transition"].fields["to_status"].choices
        forms[name] = form
    return {
        "dispute": dispute,
        "lines": list(dispute_lines(dispute)),
        "timeline": _labelled(list(dispute_timeline(dispute))),
        "evidence": list(dispute.evidence.select_related("uploaded_by")),
        "is_late": active and dispute.target_date is not None and dispute.target_date < on,
        "is_at_risk": active
        and dispute.at_risk_on is not None
        and dispute.at_risk_on <= on <= dispute.target_date,
        "ready_to_close": Dispute.objects.filter(pk=dispute.pk).filter(ready_to_close()).exists(),
        "forms": forms,
        "can_work": can_work,
        "can_view_ledger": has_capability(request.user, VIEW_LEDGER),
        "customer_link": (
            customer_link(dispute) if may_share_customer_link(request.user, dispute) else None
        ),
    }


@capability_required(VIEW_DISPUTES)
def detail_view(request, dispute_id: int):
    dispute = access_dispute(request.user, dispute_id)
    return render(request, "disputes/detail.html", detail_context(request, dispute))


@capability_required(VIEW_DISPUTES)
def evidence_download_view(request, dispute_id: int, evidence_id: int):
    """The file itself, as an attachment, to users who may see the dispute (404 alike for a
    missing file and another department's)."""
    dispute = access_dispute(request.user, dispute_id)
    evidence = dispute.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such evidence.")
    response = FileResponse(
        default_storage.open(evidence_path(evidence), "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
