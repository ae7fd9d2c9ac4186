"""``{% risk_card customer %}``: the customer risk view's figures for one customer on the
customer page, read by the same selector (``insights.risk.customer_risk``), so the page and the
view never disagree; the customer view knows nothing about them."""

from django import template

from encaisse.accounts.capabilities import VIEW_LEDGER, has_capability
from encaisse.disputes.abuse.selectors import may_see_abuse_scores

from ..risk import customer_risk

register = template.Library()


@register.inclusion_tag("insights/_risk_card.html", takes_context=True)
def risk_card(context, customer):
    user = context["request"].user
    if not has_capability(user, VIEW_LEDGER):
        return {"risk": None}
    return {"risk": customer_risk(customer.pk), "with_scores": may_see_abuse_scores(user)}
