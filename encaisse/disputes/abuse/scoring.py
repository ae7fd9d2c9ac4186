"""The abuse score: plain per-customer features in, a score out of 100 and its reasons out.

Each signal is a share between 0 and 1 of the customer's disputes (in the history considered)
that look like a delaying tactic; the score is the weighted mean of the signals, times 100.
A customer is flagged when the score reaches the threshold and they have raised at least the
minimum number of disputes (one unfounded dispute says little). No database here: the refresh
service feeds it the features read in bulk, the tests feed it hand-made cases."""

from dataclasses import dataclass, field

SIGNALS = (
    "unfounded",
    "after_dunning",
    "near_due",
    "whole_no_evidence",
    "not_received",
    "confirmed",
    "late_evidence",
)


@dataclass(frozen=True)
class Features:
    """What the history says about one customer's disputes (counts of disputes)."""

    disputes: int = 0
    settled: int = 0  # resolved or closed
    unfounded: int = 0  # settled as not founded
    after_reminder: int = 0  # raised after a reminder (email, letter or formal notice) was sent
    after_notice: int = 0  # of which after a formal notice
    near_due: int = 0  # raised within N days of an invoice's due date
    whole_no_evidence: int = 0  # on the whole amount of every invoice, with no evidence
    not_received: int = 0  # "invoice not received" claims
    confirmed: int = 0  # on an invoice the customer confirmed on a courtesy call
    late_evidence: int = 0  # evidence first provided late, or never (disputes old enough)


@dataclass(frozen=True)
class Rules:
    weights: dict = field(default_factory=dict)
    flag_threshold: int = 50
    min_disputes: int = 3


@dataclass(frozen=True)
class Reason:
    code: str
    count: int
    of: int
    points: int

    def as_dict(self) -> dict:
        return {"code": self.code, "count": self.count, "of": self.of, "points": self.points}


@dataclass(frozen=True)
class Score:
    score: int
    flagged: bool
    reasons: list[Reason]


def _share(count: int, of: int) -> float:
    return min(1.0, count / of) if of > 0 else 0.0


def signals(f: Features) -> dict[str, tuple[float, int, int]]:
    """Each signal as (share, count, out of)."""
    n = f.disputes
    return {
        "unfounded": (_share(f.unfounded, f.settled), f.unfounded, f.settled),
        # A formal notice before the dispute weighs as much as two reminders.
        "after_dunning": (
            _share(f.after_reminder + f.after_notice, 2 * n),
            f.after_reminder,
            n,
        ),
        "near_due": (_share(f.near_due, n), f.near_due, n),
        "whole_no_evidence": (_share(f.whole_no_evidence, n), f.whole_no_evidence, n),
        # One "not received" happens; the second is a pattern, the third a habit.
        "not_received": (min(1.0, max(0, f.not_received - 1) / 2), f.not_received, n),
        "confirmed": (_share(f.confirmed, n), f.confirmed, n),
        "late_evidence": (_share(f.late_evidence, n), f.late_evidence, n),
    }


def abuse_score(features: Features, rules: Rules) -> Score:
    """The score (0 to 100, rounded half up), whether it flags the customer, and the signals
    that contributed, largest first."""
    weights = {s: max(0, int(rules.weights.get(s, 0))) for s in SIGNALS}
    total = sum(weights.values())
    if features.disputes == 0 or total == 0:
        return Score(score=0, flagged=False, reasons=[])
    raw, reasons = 0.0, []
    for signal, (share, count, of) in signals(features).items():
        contribution = 100 * weights[signal] * share / total
        raw += contribution
        if contribution > 0:
            reasons.append(Reason(signal, count, of, int(contribution + 0.5)))
    score = min(100, int(raw + 0.5))
    reasons.sort(key=lambda r: (-r.points, SIGNALS.index(r.code)))
    flagged = features.disputes >= rules.min_disputes and score >= rules.flag_threshold
    return Score(score=score, flagged=flagged, reasons=reasons)
