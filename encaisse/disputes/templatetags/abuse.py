"""``{% abuse_card customer %}`` (the customer page) and ``{% abuse_flagged rows as flagged %}``
(the worklist): the abuse score where people decide how to chase a customer, without their
views knowing about disputes."""

from django import template

from ..abuse.reasons import reasons_display
from ..abuse.selectors import abuse_score_of, flagged_among, may_see_abuse_scores

register = template.Library()


@register.inclusion_tag("disputes/_abuse_card.html", takes_context=True)
def abuse_card(context, customer):
    user = context["request"].user
    if not may_see_abuse_scores(user):
        return {"visible": False}
    score = abuse_score_of(user=user, customer_id=customer.pk)
    return {
        "visible": True,
        "score": score,
        "reasons": reasons_display(score.reasons) if score else [],
    }


@register.simple_tag(takes_context=True)
def abuse_flagged(context, rows) -> dict[int, int]:
    """The flagged customers among the worklist ``rows`` (customer id -> score), one query."""
    user = context["request"].user
    if not may_see_abuse_scores(user):
        return {}
    return flagged_among(user=user, customer_ids=[row.action.customer_id for row in rows])


@register.filter
def abuse_score_in(flagged: dict, customer_id):
    return flagged.get(customer_id)
