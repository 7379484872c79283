"""The appreciation game on its own: turns between the partners, navigation, a warm
ending, and completion recorded once. Every response is checked."""

from __future__ import annotations

import pytest
from ritual_helpers import CheckedConversation, record

from skill import nlu
from skill.handlers.game import TURNS


@pytest.fixture
def talk(handler):
    return CheckedConversation(handler)


def assert_turn(text: str, speaker: str, listener: str):
    assert f"{speaker}, your turn" in text or f"Over to you, {speaker}." in text, text
    assert f"about {listener}?" in text or f"Tell {listener} something" in text, text


def name_the_couple(talk):
    talk.say("SetNamesIntent", firstName="Sam", secondName="Alex")
    talk.end()


def test_turns_alternate_between_the_partners_by_name_and_the_game_is_recorded(talk, store):
    name_the_couple(talk)
    talk.say("AppreciationGameIntent")
    assert talk.text.startswith("Let's play the appreciation game.")
    assert "Sam, you start. Tell Alex one thing you appreciate" in talk.text and talk.open
    talk.say("AMAZON.FallbackIntent")  # Sam speaks to Alex; Alexa hears no intent
    assert talk.text.split(".")[0] in ("Lovely", "That's a nice one", "Beautiful") and talk.open
    assert_turn(talk.text, "Alex", "Sam")
    talk.say("AMAZON.NextIntent")  # "done"
    assert_turn(talk.text, "Sam", "Alex")
    talk.say("AMAZON.NextIntent")
    assert talk.text.startswith("Last turn. Alex, one more thing you appreciate about Sam.")
    assert not record(store).get("games_done")
    talk.say("AMAZON.NextIntent")
    assert "that's the game" in talk.text.lower() and not talk.open
    (date,) = record(store)["games_done"].values()
    assert date == "2026-11-26"


def test_the_next_game_starts_with_the_other_partner(talk, store):
    name_the_couple(talk)
    starters = []
    for _ in range(2):
        talk.say("AppreciationGameIntent")
        starters.append(talk.text.split("The more specific, the better. ")[1].split(",")[0])
        for _ in range(TURNS):
            talk.say("AMAZON.NextIntent")
        assert not talk.open
    assert sorted(starters) == ["Alex", "Sam"]
    assert len(record(store)["games_done"]) == 2


def test_without_names_the_game_says_one_of_you(talk):
    talk.say("AppreciationGameIntent")
    assert "One of you starts" in talk.text
    talk.say("AMAZON.NextIntent")
    assert "the other one of you" in talk.text


def test_navigation_inside_the_game(talk, store):
    talk.say("AppreciationGameIntent")
    talk.say("AMAZON.PreviousIntent")
    assert talk.text.startswith("This is the first turn.") and talk.open
    talk.say("SkipIntent")
    second = talk.text
    talk.say("AMAZON.RepeatIntent")
    assert talk.text == second
    talk.say("AMAZON.PreviousIntent")
    assert talk.text.startswith("Okay, back one turn.") and "One of you starts" in talk.text
    talk.say("AMAZON.HelpIntent")
    assert "appreciation game" in talk.text and talk.open
    talk.say("AMAZON.YesIntent")
    assert "the other one of you" in talk.text
    talk.say("AMAZON.StopIntent")
    assert "end the game" in talk.text and not talk.open
    assert not record(store).get("games_done")


def test_pausing_the_game_says_how_to_play_again(talk, store):
    talk.say("AppreciationGameIntent")
    talk.say("AMAZON.PauseIntent")
    assert "play the appreciation game" in talk.text and not talk.open
    assert not record(store).get("games_done")


def test_a_next_after_the_end_counts_nothing_more(talk, store):
    talk.say("AppreciationGameIntent")
    for _ in range(TURNS):
        talk.say("AMAZON.NextIntent")
    talk.say("AMAZON.NextIntent")  # a new session: the main choices, no second game
    assert talk.open and len(record(store)["games_done"]) == 1


@pytest.mark.parametrize("line", ["let's play the appreciation game", "play a game", "appreciation game",
                                  "let's appreciate each other"])
def test_couples_wording_reaches_the_game(line):
    assert nlu.match(line).intent == "AppreciationGameIntent"


@pytest.mark.parametrize("line", ["next", "done", "we're done", "next turn", "your turn", "I'm done"])
def test_ways_to_pass_the_turn(line):
    assert nlu.match(line).intent == "AMAZON.NextIntent"


def hear(talk, line: str) -> dict:
    return talk.send(nlu.intent_request(nlu.match(line)))


@pytest.mark.parametrize("line", ["I'm grateful", "we love that one", "I'd say a ten", "our favorites"])
def test_an_appreciation_that_sounds_like_a_command_is_still_the_turn(talk, store, line):
    """Alexa may hear "I'm grateful" as "call me Grateful": inside the game it is a turn,
    and nothing about the couple changes."""
    name_the_couple(talk)
    talk.say("AppreciationGameIntent")
    before = record(store).get("names")
    hear(talk, line)
    assert talk.text.split(".")[0] in ("Lovely", "That's a nice one", "Beautiful"), talk.text
    assert_turn(talk.text, "Alex", "Sam")  # Sam started the couple's first game
    assert talk.open and record(store).get("names") == before


def test_no_is_not_yet_and_go_on_passes_the_turn(talk):
    talk.say("AppreciationGameIntent")
    first = talk.text
    hear(talk, "no")
    assert talk.text.startswith("No rush.") and talk.open
    talk.say("AMAZON.RepeatIntent")
    assert talk.text.startswith("No rush.")
    hear(talk, "go on")
    assert "the other one of you" in talk.text and talk.open and talk.text != first


def test_after_a_turn_is_heard_nothing_asks_for_next_as_well():
    """Speaking completes a turn, so "say it, then say next" would skip the other partner."""
    from skill.speech import Speech

    speech = Speech("en-US")
    for key in ("game.reprompt", "help_reprompt.game", "game.not_yet", "help.game"):
        assert "then say next" not in speech.say(key)


def test_a_thank_you_from_the_listener_is_not_their_turn(talk):
    name_the_couple(talk)
    talk.say("AppreciationGameIntent")
    hear(talk, "you always make me laugh")  # Sam's turn, heard
    assert_turn(talk.text, "Alex", "Sam")
    hear(talk, "thank you")  # Alex thanks Sam: still Alex's turn
    assert_turn(talk.text, "Alex", "Sam")
    assert not talk.text.startswith(("Lovely", "That's a nice one", "Beautiful")) and talk.open
