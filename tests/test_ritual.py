"""The evening ritual through the Lambda handler: across sessions, navigation in every
step, lengths, names, tonight's question, completion counted once, yesterday's ritual
not resumed. Every response is checked (short, speakable, reprompted when open).

The default API endpoint of these conversations refuses connections, so no timer is
ever set here: the timer paths are in test_ritual_timers.py."""

from __future__ import annotations

import json

import pytest
from alexa import request
from ritual_helpers import CheckedConversation, record, ritual, speech_seconds

from skill import deck, nlu
from skill import ritual_steps as steps
from skill.speech import Speech, catalogue

SPEECH = Speech("en-US")
COME_BACK = "Alexa, ask heart to heart to go on"
WELCOME_BACK = set(catalogue("en-US")["ritual.welcome_back"])


@pytest.fixture
def talk(handler):
    return CheckedConversation(handler)


def start(talk, length=None):
    if length:
        return talk.say("StartRitualIntent", length=(f"a {length}", length))
    return talk.say("StartRitualIntent")


def reach(talk, store, step: int) -> dict:
    """Start a ritual and move to ``step`` the way a couple would: "next" in the
    session for the first step, then "Alexa, ask heart to heart to go on"."""
    start(talk)
    for _ in range(step):
        if talk.open:
            talk.say("AMAZON.NextIntent")
        else:
            talk.say("AMAZON.ResumeIntent")
    assert ritual(store)["step"] == step
    return ritual(store)


def name_the_couple(talk):
    talk.say("SetNamesIntent", firstName="Sam", secondName="Alex")
    talk.end()


def step_text(step: str) -> str:
    """A part of the step's sentence that does not depend on names or minutes."""
    return {
        "devices": "take your phones to another room",
        "day_first": "the best moment, and the hardest one",
        "day_second": "the hardest moment of",
        "question": "Here's tonight's question",
        "appreciation": "appreciation round",
        "closing": "To close",
    }[step]


def steps_opening(step: str) -> str:
    """How each step's own sentence begins (no welcome, no names)."""
    return {"day_first": "Now, your days.", "day_second": "Now swap.", "question": "Here's tonight's question.",
            "appreciation": "Time for the appreciation round."}[step]


# ---- the whole ritual -------------------------------------------------------------------------
def test_a_whole_ritual_across_sessions_resumes_at_the_right_step_and_counts_once(talk, store, clock):
    name_the_couple(talk)
    start(talk)
    assert "quick ritual" in talk.text and "about ten minutes" in talk.text
    assert step_text("devices") in talk.text and talk.open
    assert ritual(store)["step"] == 0

    talk.say("AMAZON.NextIntent")  # phones away: the first talk begins, the session ends
    assert step_text("day_first") in talk.text and COME_BACK in talk.text
    assert not talk.open and ritual(store)["step"] == 1
    first, second = ("Sam", "Alex") if steps.first_teller(ritual(store)["id"]) == 0 else ("Alex", "Sam")
    assert talk.text.startswith(f"Now, your days. {first}, tell {second}")

    clock.advance(minutes=4)
    talk.say("AMAZON.ResumeIntent")  # "Alexa, ask heart to heart to go on": a new session
    assert talk.text.split(". ")[0] + "." in WELCOME_BACK and f"{first}'s day" not in talk.text
    assert step_text("day_second") in talk.text and f"{second}, it's your turn" in talk.text
    assert not talk.open and ritual(store)["step"] == 2

    clock.advance(minutes=4)
    talk.launch()  # or simply opening the skill again
    assert f"you were at {second}'s day" in talk.text and "Shall we go on?" in talk.text
    talk.say("AMAZON.YesIntent")
    assert step_text("question") in talk.text and not talk.open
    qid = ritual(store)["question"]
    assert deck.deck().questions[qid].text in talk.text

    clock.advance(minutes=4)
    talk.say("AMAZON.NextIntent")  # "Alexa, tell heart to heart next"
    assert talk.text.split(". ")[0] + "." in WELCOME_BACK and step_text("appreciation") in talk.text
    assert "Sam" in talk.text and "Alex" in talk.text

    clock.advance(minutes=3)
    talk.say("AMAZON.ResumeIntent")
    assert step_text("closing") in talk.text and "That's your first evening ritual this week." in talk.text
    assert not talk.open
    data = record(store)
    assert list(data["rituals_done"].values()) == ["2026-11-26"]
    assert ritual(store) is None

    talk.say("AMAZON.NextIntent")  # "next" once more at the end: nothing is counted twice
    talk.end()
    talk.say("AMAZON.ResumeIntent")
    assert len(record(store)["rituals_done"]) == 1
    assert "To close" not in talk.text


def test_two_devices_completing_the_same_ritual_count_it_once(make_handler, store, clock):
    handler = make_handler(store, clock)
    kitchen, bedroom = CheckedConversation(handler), CheckedConversation(handler)
    reach(kitchen, store, 4)
    bedroom.launch()  # the bedroom's session copy: still at the appreciation round
    assert "you were at the appreciation round" in bedroom.text
    kitchen.say("AMAZON.ResumeIntent")
    assert step_text("closing") in kitchen.text
    bedroom.say("AMAZON.YesIntent")  # completes it again from its older copy
    assert step_text("closing") in bedroom.text
    assert len(record(store)["rituals_done"]) == 1
    assert ritual(store) is None


def test_the_weekly_rhythm_counts_evenings_and_never_shames(talk, store, clock):
    said = []
    for evening in range(4):
        reach(talk, store, 4)
        talk.say("AMAZON.ResumeIntent")
        said.append(talk.text)
        clock.advance(days=1 if evening != 1 else 2)  # a night off changes nothing
    assert "first evening ritual this week" in said[0]
    assert "second evening together this week" in said[1]
    assert "third evening together this week" in said[2]
    assert "fourth evening together this week" in said[3]
    assert len(record(store)["rituals_done"]) == 4
    assert not any(word in " ".join(said).lower() for word in ("streak", "missed", "broke"))


# ---- not resumed ----------------------------------------------------------------------------
def test_yesterdays_unfinished_ritual_is_not_resumed_a_new_one_is_offered(talk, store, clock):
    old = reach(talk, store, 2)
    clock.advance(hours=24)
    talk.launch()
    assert "partway" not in talk.text and "evening ritual" in talk.text  # the main choices
    talk.end()
    talk.say("AMAZON.ResumeIntent")
    assert "another evening" in talk.text and talk.open
    talk.say("AMAZON.YesIntent")
    fresh = ritual(store)
    assert fresh["id"] != old["id"] and fresh["step"] == 0 and fresh["date"] == "2026-11-27"
    assert step_text("devices") in talk.text


def test_six_silent_hours_end_the_evening_even_on_the_same_day(talk, store, clock):
    reach(talk, store, 1)
    clock.advance(hours=6)
    talk.say("AMAZON.NextIntent")
    assert step_text("day_second") not in talk.text
    assert ritual(store)["step"] == 1  # untouched, and no longer offered


def test_after_midnight_the_same_evening_resumes(talk, store, clock):
    clock.advance(hours=3, minutes=30)  # 23:00 UTC
    reach(talk, store, 1)
    clock.advance(hours=2)  # 01:00 UTC the next day
    talk.say("AMAZON.ResumeIntent")
    assert step_text("day_second") in talk.text and ritual(store)["date"] == "2026-11-26"


def test_nothing_to_resume_answers_as_before(talk):
    talk.say("AMAZON.ResumeIntent")
    assert "nothing unfinished" in talk.text and talk.open
    talk.end()
    talk.say("AMAZON.NextIntent")
    assert "question" in talk.text and talk.open  # the main choices
    talk.end()
    talk.say("AMAZON.PreviousIntent")
    assert "nothing to go back to" in talk.text
    talk.end()
    talk.say("SkipIntent")  # the questions' "skip" as before
    assert "nothing to skip" in talk.text


# ---- navigation in every step ------------------------------------------------------------------
@pytest.mark.parametrize("intent", ["AMAZON.NextIntent", "AMAZON.YesIntent", "SkipIntent", "AMAZON.ResumeIntent"])
def test_moving_on_from_the_first_step(talk, store, intent):
    reach(talk, store, 0)
    talk.say(intent)
    assert step_text("day_first") in talk.text and ritual(store)["step"] == 1
    if intent == "SkipIntent":
        assert talk.text.startswith("Okay, let's skip that.")


def test_going_back_and_repeating_in_the_first_step(talk, store):
    reach(talk, store, 0)
    talk.say("AMAZON.PreviousIntent")
    assert talk.text.startswith("We're already at the beginning.") and step_text("devices") in talk.text
    assert talk.open
    talk.say("AMAZON.RepeatIntent")
    assert step_text("devices") in talk.text and talk.open
    talk.say("AMAZON.NoIntent")
    assert "Take your time" in talk.text and talk.open
    talk.say("AMAZON.HelpIntent")
    assert "evening ritual" in talk.text and "go back" in talk.text and talk.open
    talk.say("AMAZON.FallbackIntent")
    assert "In the ritual you can say next" in talk.text and talk.open
    talk.say("RatingIntent", rating="7")
    assert "doesn't fit in the ritual" in talk.text and talk.open
    assert ritual(store)["step"] == 0


@pytest.mark.parametrize("intent", ["AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_pause_or_stop_keeps_the_place_for_the_evening(talk, store, clock, intent):
    reach(talk, store, 0)
    talk.say(intent)
    assert not talk.open and COME_BACK in talk.text
    clock.advance(hours=1)
    talk.launch()
    assert "you were at the first step, putting your phones away" in talk.text
    talk.say("AMAZON.YesIntent")
    assert step_text("day_first") in talk.text


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_one_shot_navigation_in_every_talking_step(make_handler, store, clock, step):
    handler = make_handler(store, clock)
    talk = CheckedConversation(handler)
    reach(talk, store, step)
    here, before = steps.key(step), steps.key(step - 1)
    after = steps.key(step + 1)
    spoken = talk.text

    talk.say("AMAZON.RepeatIntent")  # "Alexa, ask heart to heart to repeat that"
    assert talk.text.startswith(steps_opening(here))
    if here == "question":  # who answers first is said in varying words; the question is the same
        assert deck.deck().questions[ritual(store)["question"]].text in talk.text
    else:
        assert spoken.endswith(talk.text)
    assert ritual(store)["step"] == step

    talk.say("AMAZON.PreviousIntent")
    assert talk.text.startswith("Okay, one step back.") and step_text(before) in talk.text
    assert ritual(store)["step"] == step - 1

    talk.say("AMAZON.NextIntent")
    assert step_text(here) in talk.text and ritual(store)["step"] == step

    for generic in ("AMAZON.HelpIntent", "AMAZON.PauseIntent", "AMAZON.FallbackIntent", "AMAZON.StopIntent"):
        talk.end()
        talk.say(generic)  # one-shots that are not the ritual's: the ritual waits
        assert ritual(store)["step"] == step
    talk.end()

    talk.say("SkipIntent")  # "Alexa, tell heart to heart to skip this step"
    assert talk.text.startswith("Okay, let's skip that.") and step_text(after) in talk.text
    if after == "closing":
        assert len(record(store)["rituals_done"]) == 1
    else:
        assert ritual(store)["step"] == step + 1


def test_repeating_the_question_step_keeps_the_question_and_counts_it_once(talk, store):
    reach(talk, store, 3)
    qid = ritual(store)["question"]
    assert record(store)["seen_questions"] == {qid: 1}
    talk.say("AMAZON.RepeatIntent")
    talk.say("AMAZON.PreviousIntent")
    talk.say("AMAZON.NextIntent")
    assert ritual(store)["question"] == qid and deck.deck().questions[qid].text in talk.text
    assert record(store)["seen_questions"] == {qid: 1}
    talk.say("AnotherQuestionIntent")  # the deck's no-repeat memory is the same one
    assert deck.deck().questions[qid].text not in talk.text


def test_the_question_step_shows_the_question_on_a_screen(handler, store):
    talk = CheckedConversation(handler, apl=True)
    reach(talk, store, 3)
    directives = talk.last["response"].get("directives") or []
    assert [d["type"] for d in directives] == ["Alexa.Presentation.APL.RenderDocument"]
    assert deck.deck().questions[ritual(store)["question"]].text in json.dumps(directives)


# ---- lengths, names, starting again ---------------------------------------------------------------
def test_length_is_chosen_by_voice_said_at_the_start_and_remembered(talk, store, clock):
    start(talk, "full")
    assert "full ritual" in talk.text and "twenty-five minutes" in talk.text
    talk.say("AMAZON.NextIntent")
    assert "about 5 minutes" in talk.text
    clock.advance(days=1)
    start(talk)  # no length said: last time's
    assert "twenty-five minutes" in talk.text and ritual(store)["length"] == "full"
    clock.advance(days=1)
    talk.end()
    start(talk, "quick")
    assert "about ten minutes" in talk.text
    talk.say("AMAZON.NextIntent")
    assert "about 2 minutes" in talk.text
    assert record(store)["ritual_length"]["value"] == "quick"


def test_a_length_alexa_could_not_resolve_uses_the_default(talk, store):
    talk.say("StartRitualIntent", length="medium")
    assert "quick ritual" in talk.text and record(store)["ritual_length"] is None


def test_starting_again_tonight_carries_on_unless_another_length_is_asked(talk, store):
    first = reach(talk, store, 2)
    start(talk)
    assert "already begun" in talk.text and step_text("question") in talk.text
    assert ritual(store)["id"] == first["id"]
    start(talk, "full")
    assert "twenty-five minutes" in talk.text and ritual(store)["id"] != first["id"]


def test_without_names_the_steps_say_one_of_you(talk, store):
    reach(talk, store, 1)
    assert "One of you, tell the other" in talk.text
    talk.say("AMAZON.ResumeIntent")
    assert "The one who listened" in talk.text


# ---- routing and wording ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, intent, length",
    [
        ("start our evening ritual", "StartRitualIntent", None),
        ("a quick ritual tonight", "StartRitualIntent", "quick"),
        ("let's do a full ritual", "StartRitualIntent", "full"),
        ("full ritual", "StartRitualIntent", "full"),
        ("next", "AMAZON.NextIntent", None),
        ("we're done", "AMAZON.NextIntent", None),
        ("go back", "AMAZON.PreviousIntent", None),
        ("repeat that", "AMAZON.RepeatIntent", None),
        ("skip this step", "SkipIntent", None),
        ("pause", "AMAZON.PauseIntent", None),
        ("take a break", "AMAZON.PauseIntent", None),
        ("go on", "AMAZON.ResumeIntent", None),
        ("we're back", "AMAZON.ResumeIntent", None),
        ("stop", "AMAZON.StopIntent", None),
    ],
)
def test_couples_wording_reaches_the_ritual(line, intent, length):
    result = nlu.match(line)
    assert result.intent == intent
    if length:
        assert result.slots["length"].resolved_id == length


def test_every_ritual_sentence_is_short_and_has_no_long_pause():
    lines = {k: v for k, v in catalogue("en-US").items() if k.startswith("ritual.") or k.endswith(".ritual")}
    assert len(lines) > 40
    for key, variants in lines.items():
        for text in variants:
            assert speech_seconds(text) < 30, key
    assert COME_BACK in SPEECH.say("ritual.come_back") and COME_BACK in SPEECH.say("pause.ritual")


def test_a_session_ended_by_silence_loses_nothing(talk, store):
    reach(talk, store, 0)
    talk.end("EXCEEDED_MAX_REPROMPTS")
    talk.send(request("LaunchRequest"))
    assert "you were at the first step, putting your phones away" in talk.text


def hear(talk, line: str) -> dict:
    return talk.send(nlu.intent_request(nlu.match(line)))


def test_start_over_begins_tonights_ritual_again_from_the_first_step(talk, store):
    old = reach(talk, store, 2)
    assert not talk.open
    hear(talk, "start over")  # "Alexa, ask heart to heart to start over"
    assert talk.text.startswith("Okay, let's begin tonight's ritual again from the start.")
    assert step_text("devices") in talk.text and talk.open
    again = ritual(store)
    assert again["step"] == 0 and again["id"] != old["id"] and again["length"] == old["length"]
    hear(talk, "restart the ritual")
    assert step_text("devices") in talk.text and ritual(store)["id"] != again["id"]
    assert "rituals_done" not in record(store) or not record(store)["rituals_done"]


def test_start_over_with_no_ritual_tonight_answers_as_before(talk):
    hear(talk, "start over")
    assert "back to the start" in talk.text and talk.open


def test_the_first_step_says_how_to_come_back_if_the_session_closes(talk, store):
    reach(talk, store, 0)
    reprompt = talk.last["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert "say next" in reprompt and COME_BACK in reprompt


@pytest.mark.parametrize("line, intent", [("stop the ritual", "AMAZON.StopIntent"),
                                          ("end the ritual", "AMAZON.StopIntent"),
                                          ("cancel the ritual", "AMAZON.CancelIntent")])
def test_stopping_the_ritual_in_words_stops_it_and_keeps_the_place(talk, store, line, intent):
    """"Stop the ritual" once sounded like "a <length> ritual" and carried on instead."""
    assert nlu.match(line).intent == intent
    reach(talk, store, 0)
    hear(talk, line)
    assert not talk.open and COME_BACK in talk.text and ritual(store)["step"] == 0


@pytest.mark.parametrize(
    "line, intent, length",
    [
        ("let's do the ritual", "StartRitualIntent", None),
        ("do a full ritual", "StartRitualIntent", "full"),
        ("continue our ritual", "StartRitualIntent", None),
        ("go on with the ritual", "StartRitualIntent", None),
        ("what's next", "AMAZON.NextIntent", None),
        ("we're all set", "AMAZON.NextIntent", None),
        ("okay we're ready", "AMAZON.ResumeIntent", None),
        ("one moment", "AMAZON.PauseIntent", None),
        ("what was the question", "AMAZON.RepeatIntent", None),
        ("can we skip this", "SkipIntent", None),
        ("I need help with the ritual", "AMAZON.HelpIntent", None),
    ],
)
def test_more_of_the_couples_wording_reaches_the_ritual(line, intent, length):
    result = nlu.match(line)
    assert result.intent == intent
    if length:
        assert result.slots["length"].resolved_id == length
    else:
        assert "length" not in result.slots or result.slots["length"].resolved_id in steps.LENGTHS


def test_continue_our_ritual_goes_on_with_the_ritual_even_after_a_later_check_in(talk, store, clock):
    reach(talk, store, 1)
    clock.advance(minutes=5)
    talk.say("CheckInIntent")
    talk.end()
    hear(talk, "continue our ritual")
    assert step_text("day_second") in talk.text and ritual(store)["step"] == 2


def test_thank_you_in_the_first_step_is_answered_warmly_and_the_ritual_waits(talk, store):
    reach(talk, store, 0)
    hear(talk, "thank you")
    assert talk.text.startswith("You're welcome.") and "say next" in talk.text and talk.open
    assert ritual(store)["step"] == 0


def test_tonights_question_can_be_saved_after_the_session_closed(talk, store):
    reach(talk, store, 3)
    qid = ritual(store)["question"]
    assert not talk.open  # the couple talk; Alexa has closed the session
    talk.say("SaveFavouriteIntent")  # "Alexa, ask heart to heart to save that one"
    assert record(store)["favourites"] == [qid]
