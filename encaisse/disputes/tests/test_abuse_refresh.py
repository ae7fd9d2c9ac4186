"""The abuse features read from the history, the stored scores and their refresh, the settings."""

import datetime as dt
from dataclasses import asdict

import pytest

from encaisse.audit.models import AuditEntry
from encaisse.disputes.abuse.features import abuse_features
from encaisse.disputes.models import AbuseScore, AbuseSettings
from encaisse.disputes.services import abuse_scores_refresh
from encaisse.disputes.services.abuse import abuse_settings_update

from .abuse_factories import AS_OF, abusive_customer, evidence_on, honest_customer
from .factories import make_customer, make_invoice, open_dispute

pytestmark = pytest.mark.django_db


def _features(customer):
    return asdict(abuse_features(as_of=AS_OF, config=AbuseSettings.current())[customer.pk])


def test_it_reads_each_signal_of_an_abusive_history():
    customer = abusive_customer()
    assert _features(customer) == {
        "disputes": 3,
        "settled": 3,
        "unfounded": 3,
        "after_reminder": 3,
        "after_notice": 3,
        "near_due": 0,
        "whole_no_evidence": 3,
        "not_received": 2,
        "confirmed": 1,
        "late_evidence": 3,
    }


def test_it_reads_nothing_suspicious_in_an_honest_history():
    customer = honest_customer()
    features = _features(customer)
    assert features["disputes"] == features["settled"] == 3
    assert sum(v for k, v in features.items() if k not in ("disputes", "settled")) == 0


def test_it_counts_disputes_at_the_due_date_and_late_evidence():
    customer = make_customer("NEAR")
    invoice = make_invoice(customer, "N1", "800.00", due=dt.date(2026, 4, 10))
    dispute = open_dispute(
        customer=customer, lines=[(invoice, "300.00")], raised_on=dt.date(2026, 4, 8)
    )
    evidence_on(dispute, dt.date(2026, 4, 30))  # 22 days later, the limit is 10
    features = _features(customer)
    assert (features["near_due"], features["late_evidence"]) == (1, 1)
    assert features["whole_no_evidence"] == 0 and features["settled"] == 0


def test_it_ignores_disputes_older_than_the_history_considered():
    customer = abusive_customer()
    config = AbuseSettings.current()
    config.lookback_days = 70
    config.save()
    assert _features(customer)["disputes"] == 1  # the last one, raised on 2026-04-25


def test_it_flags_the_planted_customer_and_not_the_honest_one():
    abusive = abusive_customer("ABUS", disputes=4)
    honest = honest_customer("HON1", disputes=5)
    refresh = abuse_scores_refresh(as_of=AS_OF)
    assert (refresh.customers, refresh.flagged) == (2, 1)
    flagged = AbuseScore.objects.get(customer=abusive)
    assert flagged.flagged and flagged.score >= 70 and flagged.disputes == 4
    assert {r["code"] for r in flagged.reasons} >= {"unfounded", "after_dunning", "not_received"}
    clean = AbuseScore.objects.get(customer=honest)
    assert not clean.flagged and clean.score == 0 and clean.reasons == []


def test_it_replaces_the_scores_on_each_refresh():
    customer = abusive_customer()
    abuse_scores_refresh(as_of=AS_OF)
    abuse_scores_refresh(as_of=AS_OF)
    assert AbuseScore.objects.filter(customer=customer).count() == 1
    abuse_scores_refresh(as_of=AS_OF + dt.timedelta(days=800))
    assert not AbuseScore.objects.exists()


def test_it_scores_again_when_a_credit_manager_changes_the_threshold(credit_manager):
    customer = abusive_customer()
    abuse_scores_refresh(as_of=dt.date.today())
    assert AbuseScore.objects.get(customer=customer).flagged
    abuse_settings_update(actor=credit_manager, values={"flag_threshold": 100})
    assert AbuseSettings.current().flag_threshold == 100
    assert not AbuseScore.objects.get(customer=customer).flagged
    entry = AuditEntry.objects.get(object_type="disputes.abusesettings")
    assert entry.changes == {"flag_threshold": {"from": 50, "to": 100}}
