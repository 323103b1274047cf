"""The life of an application as data: its states, and who may move it from where to where.

Everything that changes a state (service.change_state) and every form that offers a
change (the templates) reads TRANSITIONS, so the table in the tests is the whole rule.
"""

from __future__ import annotations

APPLIED = "applied"
SCREENING = "screening"
INTERVIEW = "interview"
OFFERED = "offered"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

STATES = (APPLIED, SCREENING, INTERVIEW, OFFERED, REJECTED, WITHDRAWN)

LABELS: dict[str, str] = {
    APPLIED: "応募済み",
    SCREENING: "書類選考中",
    INTERVIEW: "面接調整中",
    OFFERED: "内定",
    REJECTED: "不採用",
    WITHDRAWN: "辞退",
}

SEEKER, EMPLOYER = "seeker", "employer"
SIDES = (SEEKER, EMPLOYER)

# side → current state → the states that side may move it to. A state missing for a side
# means that side may not change it at all.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # 辞退: the job-seeker may step back at any point until the employer has decided
    # (an offer may still be declined).
    SEEKER: {
        APPLIED: (WITHDRAWN,),
        SCREENING: (WITHDRAWN,),
        INTERVIEW: (WITHDRAWN,),
        OFFERED: (WITHDRAWN,),
    },
    # The employer walks applied → 書類選考中 → 面接調整中 → 内定. 不採用 is allowed from
    # each step before the decision, because an employer turns most applicants down at the
    # 書類選考 stage and must not have to pass through 面接調整中 (which mails the seeker) to
    # do so.
    EMPLOYER: {
        APPLIED: (SCREENING, REJECTED),
        SCREENING: (INTERVIEW, REJECTED),
        INTERVIEW: (OFFERED, REJECTED),
    },
}

# The employer may set (or move) the interview date only while 面接調整中.
INTERVIEW_STATES = (INTERVIEW,)

# What the employer's buttons say for each target state.
ACTION_LABELS: dict[str, str] = {
    SCREENING: "書類選考中にする",
    INTERVIEW: "面接調整中にする",
    OFFERED: "内定にする",
    REJECTED: "不採用にする",
    WITHDRAWN: "辞退する",
}


def allowed(side: str, current: str) -> tuple[str, ...]:
    """The states `side` may move an application in state `current` to."""
    return TRANSITIONS.get(side, {}).get(current, ())


def may(side: str, current: str, target: str) -> bool:
    return target in allowed(side, current)


def may_set_interview(side: str, current: str) -> bool:
    return side == EMPLOYER and current in INTERVIEW_STATES


def label(state: str) -> str:
    return LABELS.get(state, state)
