""""How are we doing?": counts for the week and the month, questions explored, and the
trend of the check-in ratings, as the weeks go by (the clock fixture moves them)."""

from __future__ import annotations

import re

import pytest
from alexa import reprompt_text, speech_text

from skill import progress, state

SHAMING = re.compile(r"\b(bad|worse|worst|fail\w*|should have|only|disappoint\w*|poor)\b", re.I)


def check_in(talk, a: str | None, b: str | None) -> None:
    talk.say("CheckInIntent")
    for rating in (a, b):
        talk.say("SkipIntent") if rating is None else talk.say("RatingIntent", rating=rating)
    assert not talk.open  # the talking prompt ended the session


def how_are_we_doing(talk) -> str:
    response = talk.say("ProgressIntent")
    assert response["response"]["shouldEndSession"] is False and reprompt_text(response)
    text = speech_text(response)
    assert len(text.split()) <= 90
    assert not SHAMING.search(text), text
    talk.say("AMAZON.StopIntent")
    return text


def seed(store, talk, clock, **fields) -> None:
    record = state.new_record("2026-10-01")
    record.update(fields)
    store.save(talk.user_id, record, None, now=clock())


def test_with_no_history_it_says_how_to_start(talk):
    text = how_are_we_doing(talk)
    assert "nothing to look back on yet" in text and "check-in" in text
    assert "out of ten" not in text
    started = talk.say("ProgressIntent") and talk.say("AMAZON.YesIntent")
    assert "One of you goes first" in speech_text(started)


def test_one_week_counts_rituals_check_ins_and_questions(talk, store, clock):
    seed(
        store, talk, clock,
        rituals_done={"r1": "2026-11-24", "r2": "2026-11-10"},
        seen_questions={"q1": 1, "q2": 2, "q3": 1},
    )
    check_in(talk, "7", "8")
    text = how_are_we_doing(talk)
    assert "In the past seven days you shared one evening ritual, and 2 in the past month." in text
    assert "You checked in once this week, and once in the past month." in text
    assert "explored 3 questions" in text
    assert "first check-in came to 7.5 out of ten" in text


def test_a_rising_trend_compares_with_the_four_check_ins_before(talk, clock):
    # The oldest (1, 1) falls outside the window of four: the average before is 4.25.
    for week, (a, b) in enumerate([("1", "1"), ("4", "4"), ("5", "4"), ("4", "5"), ("4", "4"), ("8", "9")]):
        if week:
            clock.advance(days=7)
        check_in(talk, a, b)
    text = how_are_we_doing(talk)
    assert "latest check-in came to 8.5 out of ten, up from an average of 4.2" in text
    assert "checked in once this week, and 5 times in the past month" in text  # 35 days: the first is older


def test_a_falling_trend_is_said_gently(talk, clock):
    for week, (a, b) in enumerate([("1", "1"), ("8", "8"), ("7", "9"), ("8", None), ("9", "7"), ("5", "6")]):
        if week:
            clock.advance(days=7)
        check_in(talk, a, b)
    text = how_are_we_doing(talk)
    assert "came to 5.5 out of ten, a little lower than your recent average of 8" in text
    assert "happen to every couple" in text


def test_a_quiet_month_after_earlier_weeks_is_encouraging(talk, clock):
    check_in(talk, "6", "6")
    clock.advance(days=45)
    text = how_are_we_doing(talk)
    assert "quieter month" in text and "checked in" not in text


# ---- the pure summary -----------------------------------------------------------------
def test_summary_of_an_empty_record():
    summary = progress.summarise(state.new_record("2026-11-26"), "2026-11-26")
    assert not summary.has_history
    assert progress.sentences(summary) == [("progress.empty", {})]


@pytest.mark.parametrize(
    "averages, direction",
    [([5.0], None), ([5.0, 5.4], "steady"), ([5.0, 5.5], "up"), ([6.0, 5.5], "down"), ([9, 1, 1, 1, 1, 2], "up")],
)
def test_trend_uses_the_last_check_in_against_up_to_four_before(averages, direction):
    assert progress.trend(averages)[0] == direction


def test_week_and_month_windows_and_unrated_check_ins():
    record = state.new_record("2026-10-01")
    record["checkins"] = {
        "a": {"date": "2026-11-20", "ratings": [6, 6]},
        "b": {"date": "2026-10-28", "ratings": [4, None]},
        "c": {"date": "2026-10-27", "ratings": [None, None]},
        "d": {"date": "2026-11-26", "ratings": [8, 7]},
    }
    summary = progress.summarise(record, "2026-11-26")
    assert (summary.checkins_week, summary.checkins_month) == (2, 3)
    assert progress.rated_checkins(record["checkins"]) == [4.0, 6.0, 7.5]
    assert summary.trend == "up" and summary.before == 5.0


def test_after_this_weeks_check_in_a_question_is_offered_not_another_check_in(talk):
    check_in(talk, "7", "8")
    response = talk.say("ProgressIntent")
    text = speech_text(response)
    assert "checked in this week already" in text and "do a check-in now" not in text
    assert response["response"]["shouldEndSession"] is False and reprompt_text(response)
    question = speech_text(talk.say("AMAZON.YesIntent"))
    assert "connected" not in question and "?" in question  # a question to talk about, not the ratings


def test_with_no_check_in_this_week_a_check_in_is_offered(talk, clock):
    check_in(talk, "6", "6")
    clock.advance(days=8)
    assert "Would you like to do a check-in now?" in how_are_we_doing(talk)


@pytest.mark.parametrize("line", ["how are we doing as a couple", "are we getting closer", "show us our stats",
                                  "how many times have we checked in", "give us a progress report",
                                  "ask heart to heart how we're doing"])
def test_couples_ask_how_they_are_doing_in_their_own_words(line):
    from skill import nlu

    heard = nlu.load_model().classify(line, in_session=True)
    assert nlu.match(heard.text).intent == "ProgressIntent"
