"""The demo company's preventive and corrective actions: on the three root causes that cost
the most among its disputes, one action done some four months ago (so the statistics
compare that cause's disputes before and since), one in progress and one open past its due
date. Written through the services, so each has its history and audit rows."""

import datetime as dt

from django.db.models import Count, Sum

from encaisse.disputes.models import Dispute
from encaisse.disputes.models_preventive import ActionKind, ActionStatus, PreventiveAction
from encaisse.disputes.services.preventive import (
    preventive_action_create,
    preventive_action_set_status,
)

# What a company would do against each cause (a delaying tactic is not a non-quality cause:
# it is answered by the abuse score, not by a preventive action).
DESCRIPTIONS = {
    "price-master-data": "Contrôle croisé des prix et remises avant facturation des comptes clés.",
    "order-entry": "Double validation des commandes saisies par téléphone.",
    "billing-error": "Relecture des factures de plus de 10 000 € avant envoi.",
    "picking-error": "Contrôle par scan de chaque colis avant expédition.",
    "transport-damage": "Changement d'emballage et réserves systématiques à la livraison.",
    "product-defect": "Contrôle qualité renforcé sur le lot incriminé et le fournisseur.",
    "service-quality": "Procès-verbal de réception signé à la fin de chaque intervention.",
    "unclear-terms": "Conditions de vente jointes à chaque devis et rappelées sur la facture.",
    "customer-master-data": "Mise à jour des fiches clients (adresses, contacts comptables).",
    "invoice-delivery": "Envoi des factures par voie dématérialisée avec accusé de réception.",
    "customer-error": "Confirmation écrite de chaque commande avec quantités et prix.",
}
# (kind, days from the as-of date to the due date, status, days back it was done)
PLANS = [
    (ActionKind.PREVENTIVE, -130, ActionStatus.DONE, 120),
    (ActionKind.CORRECTIVE, 20, ActionStatus.IN_PROGRESS, None),
    (ActionKind.PREVENTIVE, -10, ActionStatus.OPEN, None),
]


def preventive_actions_build(*, as_of: dt.date, users: dict) -> int:
    """Replace the demo's actions by one per plan on the costliest root causes; their count."""
    PreventiveAction.objects.all().delete()
    causes = (
        Dispute.objects.filter(root_cause__code__in=DESCRIPTIONS)
        .values("root_cause")
        .annotate(amount=Sum("disputed_total"), n=Count("id"))
        .order_by("-amount", "root_cause")[: len(PLANS)]
    )
    worst = list(
        Dispute.objects.filter(root_cause_id=row["root_cause"])
        .select_related("root_cause", "department", "department__head")
        .order_by("-disputed_total", "pk")
        .first()
        for row in causes
    )
    manager = users["manager"]
    for dispute, (kind, due_in, status, done_back) in zip(worst, PLANS, strict=False):
        owner = dispute.department.head if dispute.department else None
        action = preventive_action_create(
            actor=manager,
            root_cause=dispute.root_cause,
            description=DESCRIPTIONS[dispute.root_cause.code],
            due_on=as_of + dt.timedelta(days=due_in),
            kind=kind,
            owner=owner,
            dispute=dispute,
        )
        if status != ActionStatus.OPEN:
            preventive_action_set_status(
                actor=owner or manager, action=action, status=ActionStatus.IN_PROGRESS
            )
        if status == ActionStatus.DONE:
            preventive_action_set_status(
                actor=owner or manager,
                action=action,
                status=ActionStatus.DONE,
                done_on=as_of - dt.timedelta(days=done_back),
            )
    return min(len(worst), len(PLANS))
