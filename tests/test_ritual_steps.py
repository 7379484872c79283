"""The ritual's pure rules: lengths, "the same evening", the weekly rhythm."""

from __future__ import annotations

import pytest
from ritual_helpers import speech_seconds

from skill import ritual_steps as steps

HOUR = steps.HOUR_MS
START = 1_795_721_400_000  # Thu 2026-11-26 19:30 UTC


def test_lengths_add_up_to_about_ten_and_twenty_five_minutes():
    assert steps.total_minutes("quick") == 10
    assert steps.total_minutes("full") == 25
    for step in range(len(steps.STEPS)):
        assert steps.minutes("full", step) >= steps.minutes("quick", step)
    assert all(steps.minutes("quick", steps.STEPS.index(k)) >= 2 for k in steps.TALKING)


def test_talking_steps_are_the_middle_four():
    assert [steps.is_talking(i) for i in range(len(steps.STEPS))] == [False, True, True, True, True, False]
    assert steps.FIRST_TALK == 1 and steps.key(steps.LAST) == "closing"
    assert steps.clamp(-1) == 0 and steps.clamp(99) == steps.LAST


def test_new_ritual_falls_back_to_the_default_length():
    ritual = steps.new_ritual("r1", START, "2026-11-26", "medium")
    assert ritual == {"id": "r1", "started_ms": START, "updated_ms": START, "step": 0,
                      "length": steps.DEFAULT_LENGTH, "date": "2026-11-26"}


@pytest.mark.parametrize(
    "since_start, since_step, resumable",
    [
        (0, 0, True),
        (2 * HOUR, 1 * HOUR, True),
        (6 * HOUR, 6 * HOUR - 1, True),  # a slow evening: still tonight
        (6 * HOUR, 6 * HOUR, False),  # six silent hours: the evening is over
        (12 * HOUR - 1, 1 * HOUR, True),
        (12 * HOUR, 1 * HOUR, False),  # started too long ago, even if touched lately
        (24 * HOUR, 24 * HOUR, False),  # yesterday's
        (-1 * HOUR, -1 * HOUR, False),  # a clock gone backwards
    ],
)
def test_same_evening_rule(since_start, since_step, resumable):
    now = START + 20 * HOUR
    ritual = {**steps.new_ritual("r1", now - since_start, "2026-11-27", "quick"),
              "updated_ms": now - since_step, "step": 2}
    assert steps.resumable(ritual, now) is resumable


def test_across_midnight_is_still_the_same_evening():
    started = START + 3 * HOUR + 30 * 60_000  # 23:00 UTC
    ritual = {**steps.new_ritual("r1", started, "2026-11-26", "full"), "step": 1}
    assert steps.resumable(ritual, started + 2 * HOUR)  # 01:00 the next UTC day


def test_completed_or_malformed_rituals_are_not_resumable():
    ritual = {**steps.new_ritual("r1", START, "2026-11-26", "quick"), "step": 2}
    assert not steps.resumable(ritual, START, {"r1": "2026-11-26"})
    assert not steps.resumable(None, START)
    assert not steps.resumable({**ritual, "step": steps.LAST}, START)
    assert not steps.resumable({**ritual, "step": "2"}, START)
    assert steps.unfinished(ritual) and not steps.unfinished(ritual, {"r1": "2026-11-26"})


def test_at_step_moves_and_stamps_without_touching_the_original():
    ritual = steps.new_ritual("r1", START, "2026-11-26", "quick")
    moved = steps.at_step(ritual, 3, START + 5)
    assert moved["step"] == 3 and moved["updated_ms"] == START + 5 and moved["started_ms"] == START
    assert ritual["step"] == 0


def test_first_teller_is_fixed_per_ritual_and_takes_turns_across_rituals():
    assert steps.first_teller("abc") == steps.first_teller("abc")
    tellers = {steps.first_teller(f"ritual-{n}") for n in range(20)}
    assert tellers == {0, 1}


def test_evenings_this_week_counts_days_not_rituals():
    done = {
        "a": "2026-11-26", "b": "2026-11-26",  # two rituals, one evening
        "c": "2026-11-24", "d": "2026-11-20",  # 11-20 is the first day of the 7
        "e": "2026-11-19",  # eight days ago: not this week
        "f": "2026-11-27",  # from a device whose clock is ahead: not counted
    }
    assert steps.evenings_this_week(done, "2026-11-26") == 3
    assert steps.evenings_this_week({}, "2026-11-26") == 0


def test_speech_estimate_counts_words_and_breaks():
    assert speech_seconds("<speak>" + "word " * 150 + "</speak>") == pytest.approx(60)
    assert speech_seconds('<speak>one two <break time="2s"/> three <break time="500ms"/></speak>') == pytest.approx(
        3 * 60 / 150 + 2.5
    )
