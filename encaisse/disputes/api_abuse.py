"""``GET /api/v1/disputes/abuse-scores``: the customers' abuse scores (false disputes) with their
reasons, highest first; ``flagged=true`` keeps the flagged customers. Needs ``view_all_disputes``
and a role that works disputes (credit managers and collectors), like the flagged page. Pages by
``cursor`` (the last row's position)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from encaisse.accounts.capabilities import VIEW_ALL_DISPUTES, WORK_DISPUTES
from encaisse.api.access import require
from encaisse.api.errors import error_responses
from encaisse.api.pagination import offset_page

from .abuse.reasons import reasons_display
from .abuse.selectors import abuse_score_list, may_see_abuse_scores

router = Router(tags=["disputes"])

MAX_LIMIT = 500


class AbuseReasonOut(Schema):
    code: str = Field(
        description="unfounded, after_dunning, near_due, whole_no_evidence, not_received, "
        "confirmed or late_evidence"
    )
    count: int
    of: int = Field(description="Out of how many disputes (settled ones for unfounded).")
    points: int = Field(description="What this reason adds to the score.")
    text: str


class AbuseScoreOut(Schema):
    customer_id: int
    customer_code: str
    customer_name: str
    score: int = Field(description="0 to 100.")
    flagged: bool
    disputes: int = Field(description="Disputes raised in the history considered.")
    reasons: list[AbuseReasonOut]
    as_of: dt.date
    computed_at: dt.datetime


class AbuseScorePage(Schema):
    items: list[AbuseScoreOut]
    next_cursor: str | None


def _out(score) -> dict:
    return {
        "customer_id": score.customer_id,
        "customer_code": score.customer.code,
        "customer_name": score.customer.name,
        "score": score.score,
        "flagged": score.flagged,
        "disputes": score.disputes,
        "reasons": reasons_display(score.reasons),
        "as_of": score.as_of,
        "computed_at": score.computed_at,
    }


@router.get(
    "/abuse-scores",
    response={200: AbuseScorePage, **error_responses(401, 403, 422)},
    summary="List the customers' abuse scores (false disputes)",
)
def abuse_scores_get(
    request,
    flagged: bool | None = Query(None, description="true: flagged customers only."),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    cursor: str | None = None,
):
    """Scores as of the last refresh (daily, or ``encaisse disputes score``), highest first."""
    require(request, VIEW_ALL_DISPUTES)
    # The role must work disputes (a read-only user may not); a read-scope token of a
    # collector still reads.
    if not may_see_abuse_scores(request.user):
        raise PermissionDenied(WORK_DISPUTES)
    scores = abuse_score_list(user=request.user, flagged_only=False)
    if flagged is not None:
        scores = scores.filter(flagged=flagged)
    return offset_page(scores, cursor=cursor, limit=limit, out=_out)
