"""The abuse score as a pure rule: hand-made customers, no database."""

from encaisse.disputes.abuse.scoring import Features, Rules, abuse_score
from encaisse.disputes.models_abuse import DEFAULT_WEIGHTS

RULES = Rules(weights=DEFAULT_WEIGHTS, flag_threshold=50, min_disputes=3)


def test_it_gives_zero_to_a_customer_without_disputes():
    result = abuse_score(Features(), RULES)
    assert (result.score, result.flagged, result.reasons) == (0, False, [])


def test_it_flags_a_customer_whose_disputes_were_unfounded_after_formal_notices():
    features = Features(
        disputes=5,
        settled=4,
        unfounded=4,
        after_reminder=5,
        after_notice=4,
        whole_no_evidence=5,
        late_evidence=5,
    )
    result = abuse_score(features, RULES)
    assert result.flagged
    assert result.score == 68  # 100 * (40 + 20 * 9 / 10 + 15 + 5) / 115
    assert [r.code for r in result.reasons] == [
        "unfounded",
        "after_dunning",
        "whole_no_evidence",
        "late_evidence",
    ]
    unfounded = result.reasons[0]
    assert (unfounded.count, unfounded.of, unfounded.points) == (4, 4, 35)


def test_it_does_not_flag_an_honest_customer_whose_disputes_were_founded():
    # Five founded disputes, one raised after a reminder, one genuine "not received".
    features = Features(disputes=5, settled=5, unfounded=0, after_reminder=1, not_received=1)
    result = abuse_score(features, RULES)
    assert not result.flagged
    assert result.score == 2
    assert [r.code for r in result.reasons] == ["after_dunning"]


def test_it_needs_the_minimum_number_of_disputes_to_flag():
    one_bad = Features(disputes=1, settled=1, unfounded=1, whole_no_evidence=1, late_evidence=1)
    result = abuse_score(one_bad, RULES)
    assert result.score >= 50 and not result.flagged
    assert abuse_score(one_bad, Rules(weights=DEFAULT_WEIGHTS, min_disputes=1)).flagged


def test_it_counts_not_received_claims_only_when_repeated():
    def points(claims):
        features = Features(disputes=4, not_received=claims)
        reasons = {r.code: r.points for r in abuse_score(features, RULES).reasons}
        return reasons.get("not_received", 0)

    assert points(1) == 0
    assert 0 < points(2) < points(3) == points(5)


def test_it_weighs_a_formal_notice_twice_a_reminder():
    rules = Rules(weights={"after_dunning": 1})
    reminded = abuse_score(Features(disputes=4, after_reminder=4), rules).score
    noticed = abuse_score(Features(disputes=4, after_reminder=4, after_notice=4), rules).score
    assert (reminded, noticed) == (50, 100)


def test_it_follows_the_configured_weights_and_threshold():
    features = Features(disputes=4, confirmed=4, near_due=4)
    assert not abuse_score(features, RULES).flagged
    only_these = Rules(weights={"confirmed": 1, "near_due": 1}, flag_threshold=90, min_disputes=3)
    result = abuse_score(features, only_these)
    assert (result.score, result.flagged) == (100, True)
    assert abuse_score(features, Rules(weights={})).score == 0
