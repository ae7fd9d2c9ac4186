"""Reading every customer's abuse features in one aggregate query over the disputes.

One ``GROUP BY customer`` over the disputes raised in the history considered, each count a
``COUNT(*) FILTER (WHERE ...)`` whose condition is an EXISTS on the dispute's invoice lines,
the dunning actions on those invoices, or its evidence: no query per customer, no row per
dispute in Python. The date differences go through ``DaysBetween`` (SQLite and PostgreSQL spell
them differently)."""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, F, Func, IntegerField, OuterRef, Q
from django.db.models.functions import TruncDate

from encaisse.dunning.choices import ActionStatus, CallOutcome, Channel
from encaisse.dunning.models import ActionInvoice

from ..choices import SETTLED_STATUSES
from ..models import Dispute, DisputedInvoice, Evidence, ReasonCode
from .scoring import Features

REMINDER_CHANNELS = [Channel.EMAIL, Channel.LETTER, Channel.FORMAL_NOTICE]


class DaysBetween(Func):
    """``later - earlier`` in days, for two dates."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, backend, **extra):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        return f"(({later[0]}) - ({earlier[0]}))", [*later[1], *earlier[1]]

    def as_sqlite(self, compiler, backend, **extra):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)"
        return sql, [*later[1], *earlier[1]]


def _actions_before(**action_filters):
    """Dunning actions done on one of the dispute's invoices before it was raised."""
    return ActionInvoice.objects.filter(
        invoice__dispute_lines__dispute=OuterRef("pk"),
        action__due_on__lt=OuterRef("raised_on"),
        **action_filters,
    )


def abuse_features(*, as_of: dt.date, config) -> dict[int, Features]:
    """Every customer with a dispute raised in the ``config.lookback_days`` before ``as_of``
    (included), with their features (``AbuseSettings`` gives the days and codes)."""
    since = as_of - dt.timedelta(days=config.lookback_days)
    near, late = config.near_due_days, config.evidence_late_days
    not_received = list(
        ReasonCode.objects.filter(code__in=config.not_received_code_list()).values_list(
            "pk", flat=True
        )
    )
    reminded = _actions_before(
        action__channel__in=REMINDER_CHANNELS, action__status=ActionStatus.DONE
    )
    noticed = _actions_before(
        action__channel=Channel.FORMAL_NOTICE, action__status=ActionStatus.DONE
    )
    # A courtesy call (before the invoice's due date) where the customer confirmed payment.
    confirmed = _actions_before(
        action__channel=Channel.CALL,
        action__outcome=CallOutcome.PAYMENT_CONFIRMED,
        action__due_on__lte=F("invoice__due_date"),
    )
    near_due = (
        DisputedInvoice.objects.filter(dispute=OuterRef("pk"))
        .annotate(gap=DaysBetween(OuterRef("raised_on"), F("invoice__due_date")))
        .filter(gap__gte=-near, gap__lte=near)
    )
    partial = DisputedInvoice.objects.filter(
        dispute=OuterRef("pk"), disputed_amount__lt=F("open_amount_at_opening")
    )
    evidence = Evidence.objects.filter(dispute=OuterRef("pk"))
    evidence_on_time = evidence.annotate(
        gap=DaysBetween(TruncDate("uploaded_at", output_field=DateField()), OuterRef("raised_on"))
    ).filter(gap__lte=late)
    rows = (
        Dispute.objects.filter(raised_on__gte=since, raised_on__lte=as_of)
        .order_by()
        .values("customer_id")
        .annotate(
            disputes=Count("id"),
            settled=Count("id", filter=Q(status__in=SETTLED_STATUSES)),
            unfounded=Count("id", filter=Q(status__in=SETTLED_STATUSES, founded=False)),
            not_received=Count("id", filter=Q(reason_code_id__in=not_received)),
            after_reminder=Count("id", filter=Exists(reminded)),
            after_notice=Count("id", filter=Exists(noticed)),
            near_due=Count("id", filter=Exists(near_due)),
            whole_no_evidence=Count("id", filter=~Exists(partial) & ~Exists(evidence)),
            confirmed=Count("id", filter=Exists(confirmed)),
            late_evidence=Count(
                "id",
                filter=Q(raised_on__lt=as_of - dt.timedelta(days=late)) & ~Exists(evidence_on_time),
            ),
        )
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # JIT-compiling this query's six sub-plans costs more (3.5 s at 100k disputes)
            # than it saves.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return {row.pop("customer_id"): Features(**row) for row in rows}
