"""The fifteen tips: no repeats, by topic, tip of the day, under thirty seconds."""

from __future__ import annotations

import pytest
from alexa import Conversation, speech_text
from questions_helpers import WORDS_IN_30_SECONDS, assert_open_and_short

from skill import deck


def current_tip(talk) -> str:
    flow = talk.attributes["flow"]
    assert flow["name"] == "tip"
    return flow["tip"]


def tip(talk, intent="TipIntent", **slots) -> str:
    response = talk.say(intent, **slots)
    assert_open_and_short(response, WORDS_IN_30_SECONDS)
    tip_id = current_tip(talk)
    assert deck.tips()[tip_id].text in speech_text(response)
    return tip_id


def test_every_tip_fits_in_thirty_seconds_with_its_introduction():
    longest = max(len(t.text.split()) for t in deck.tips().values()) + len("Today's tip is about".split()) + 5
    assert longest <= WORDS_IN_30_SECONDS


def test_fifteen_new_tips_then_they_start_over_and_say_so(talk, store):
    heard = [tip(talk)]
    talk.end()
    heard += [tip(talk) for _ in range(6)]
    heard += [tip(talk, "AnotherQuestionIntent") for _ in range(8)]  # "another one" after a tip
    assert sorted(heard) == sorted(deck.tips())
    assert "start again" not in talk.text
    again = tip(talk)
    assert "You've heard all fifteen tips" in talk.text
    assert again != heard[-1]
    assert set(store.load(talk.user_id).data["seen_tips"].values()) <= {1, 2}


def test_tip_flow_next_and_skip_give_another_tip(talk):
    first = tip(talk)
    second = tip(talk, "AMAZON.NextIntent")
    third = tip(talk, "SkipIntent")
    assert len({first, second, third}) == 3


@pytest.mark.parametrize(
    "slot, expected",
    [
        (("listening", "listening"), "listening"),  # entity resolution
        ("screen time", "devices"),  # spoken synonym only
        ("our dreams", "dreams"),
        ("building trust", "trust"),
    ],
)
def test_a_tip_by_topic(talk, slot, expected):
    assert tip(talk, topic=slot) == expected
    assert deck.tips()[expected].title in talk.text


def test_an_unknown_topic_still_gets_a_tip(talk):
    tip(talk, topic="bananas")
    assert "I don't have a tip on that" in talk.text


def test_tip_of_the_day_is_the_same_all_day_and_changes_the_next(talk, clock, handler):
    morning = tip(talk, "TipOfTheDayIntent")
    assert "Today's tip" in talk.text
    talk.end()
    clock.advance(hours=3)
    assert tip(talk, "TipOfTheDayIntent") == morning
    clock.advance(days=1)
    talk.end()
    assert tip(talk, "TipOfTheDayIntent") != morning
    other = Conversation(handler, user_id="amzn1.ask.account.ANOTHERHOME")
    days = []
    for _ in range(5):
        days.append(tip(other, "TipOfTheDayIntent"))
        other.end()
        clock.advance(days=1)
    assert len(set(days)) == 5


def test_tip_flow_help_fallback_and_goodbye(talk):
    tip(talk)
    for intent in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent"):
        response = talk.say(intent)
        assert_open_and_short(response)
        assert "another tip" in talk.text
    response = talk.say("SaveFavouriteIntent")  # only questions can be saved: a kind answer
    assert_open_and_short(response)
    response = talk.say("AMAZON.StopIntent")
    assert response["response"]["shouldEndSession"] is True and speech_text(response)
