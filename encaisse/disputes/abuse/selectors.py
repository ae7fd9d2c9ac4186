"""Reads of the stored abuse scores, for the people who chase payments: the credit managers and
collectors (``view_all_disputes`` and ``work_disputes``; a department member works one
department's disputes and a read-only user does not act on customers)."""

from django.db.models import QuerySet

from encaisse.accounts.capabilities import VIEW_ALL_DISPUTES, WORK_DISPUTES, has_capability

from ..models_abuse import AbuseScore

CAPABILITIES = (VIEW_ALL_DISPUTES, WORK_DISPUTES)


def may_see_abuse_scores(user) -> bool:
    return all(has_capability(user, capability) for capability in CAPABILITIES)


def abuse_scores_visible(user) -> QuerySet:
    if not may_see_abuse_scores(user):
        return AbuseScore.objects.none()
    return AbuseScore.objects.all()


def abuse_score_list(*, user, flagged_only: bool = True) -> QuerySet:
    """The scores, highest first, with their customer and its collector."""
    scores = abuse_scores_visible(user).select_related("customer", "customer__collector")
    if flagged_only:
        scores = scores.filter(flagged=True)
    return scores.order_by("-score", "customer__code")


def abuse_score_of(*, user, customer_id: int) -> AbuseScore | None:
    return abuse_scores_visible(user).filter(customer_id=customer_id).first()


def flagged_among(*, user, customer_ids) -> dict[int, int]:
    """Of ``customer_ids``, the flagged ones with their score (one query, for list pages)."""
    rows = abuse_scores_visible(user).filter(customer_id__in=set(customer_ids), flagged=True)
    return dict(rows.values_list("customer_id", "score"))
