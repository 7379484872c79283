"""The evening ritual's steps, lengths and timing rules: pure functions, no I/O.

A ritual in progress lives in ``record["ritual"]`` (an lww register) as::

    {"id", "started_ms", "updated_ms", "step", "length", "date", "question", "qn", "timers"}

``step`` is the index in :data:`STEPS` of the step spoken last, so "go on" and "next"
move to ``step + 1``, "repeat that" speaks ``step`` again and "go back" ``step - 1``.
``question`` and ``qn`` are tonight's question id and the household's count of
questions heard when it was asked (who answers first), so repeating the step or
coming back to it later gives the same question. ``timers`` (optional) is the couple's answer
about timers tonight ("granted", "declined", or "asked" when they moved on without one),
so they are asked once an evening. ``date`` is the UTC day the ritual
began; it is the value recorded in ``record["rituals_done"]``, so two devices that
both complete the same ritual write the same entry.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from . import state

STEPS = ("devices", "day_first", "day_second", "question", "appreciation", "closing")
# Steps where the couple talk for minutes: the skill says how to come back and ends
# the session (Alexa closes a silent session after about eight seconds anyway).
TALKING = frozenset({"day_first", "day_second", "question", "appreciation"})
FIRST_TALK = STEPS.index("day_first")
LAST = len(STEPS) - 1

LENGTHS = ("quick", "full")
DEFAULT_LENGTH = "quick"
# Suggested minutes per step: the quick ritual adds up to about 10, the full to 25.
MINUTES = {
    "quick": {"devices": 1, "day_first": 2, "day_second": 2, "question": 2, "appreciation": 2, "closing": 1},
    "full": {"devices": 1, "day_first": 5, "day_second": 5, "question": 7, "appreciation": 5, "closing": 2},
}

HOUR_MS = 3_600_000
RESUME_WITHIN_START_MS = 12 * HOUR_MS
WEEK_DAYS = 7


def new_ritual(ritual_id: str, now_ms: int, today: str, length: str) -> dict:
    return {
        "id": ritual_id,
        "started_ms": now_ms,
        "updated_ms": now_ms,
        "step": 0,
        "length": length if length in LENGTHS else DEFAULT_LENGTH,
        "date": today,
    }


def resumable(ritual: dict | None, now_ms: int, done: dict | None = None) -> bool:
    """Whether ``ritual`` is still tonight's, without knowing the household's time zone.

    "The same evening" is: the last step change was less than 6 hours ago AND the ritual
    began less than 12 hours ago (and it is not completed). An evening ritual spans at
    most a few hours, so a 6-hour silence means the evening is over, wherever the couple
    live and even across midnight; the 12-hour cap stops a ritual from creeping into the
    next evening one step at a time. Yesterday's unfinished ritual fails both rules.
    A clock that went backwards (a device's skewed write) counts as not resumable.
    """
    if not isinstance(ritual, dict) or ritual.get("id") in (done or {}):
        return False
    if not isinstance(ritual.get("step"), int) or not 0 <= ritual["step"] < LAST:
        return False
    since_start = now_ms - int(ritual.get("started_ms", 0))
    return state.same_evening(int(ritual.get("updated_ms", 0)), now_ms) and 0 <= since_start < RESUME_WITHIN_START_MS


def unfinished(ritual: dict | None, done: dict | None = None) -> bool:
    """A ritual was begun and never completed (whether or not it is still tonight's)."""
    return isinstance(ritual, dict) and bool(ritual.get("id")) and ritual["id"] not in (done or {})


def at_step(ritual: dict, step: int, now_ms: int) -> dict:
    return {**ritual, "step": clamp(step), "updated_ms": now_ms}


def clamp(step: int) -> int:
    return max(0, min(LAST, step))


def key(step: int) -> str:
    return STEPS[clamp(step)]


def is_talking(step: int) -> bool:
    return key(step) in TALKING


def minutes(length: str, step: int) -> int:
    return MINUTES.get(length, MINUTES[DEFAULT_LENGTH])[key(step)]


def total_minutes(length: str) -> int:
    return sum(MINUTES[length].values())


def first_teller(ritual_id: str) -> int:
    """Which partner (0 or 1) tells their day first: fixed per ritual, so it survives
    sessions and devices, and about half the rituals start with each partner."""
    return hashlib.sha256(ritual_id.encode()).digest()[0] % 2


def evenings_this_week(done: dict | None, today: str) -> int:
    """Distinct days with a completed ritual in the 7 days ending today: a rhythm to
    mention, never a streak to lose."""
    since = (date.fromisoformat(today) - timedelta(days=WEEK_DAYS - 1)).isoformat()
    return len({d for d in (done or {}).values() if isinstance(d, str) and since <= d <= today})
