"""Names: set, cleaned, escaped, linked to voice profiles; who answers first alternates."""

from __future__ import annotations

import pytest
from alexa import Conversation
from questions_helpers import assert_open_and_short, ssml

from skill.handlers.names import clean_name
from skill.speech import catalogue

SAM_VOICE = "amzn1.ask.person.SAM0001"
ALEX_VOICE = "amzn1.ask.person.ALEX0002"


def alexa_name(person_id: str) -> str:
    return f'<alexa:name type="first" personId="{person_id}"/>'


def elicited(response: dict) -> str | None:
    """The intent whose name slot the response asks for with Dialog.ElicitSlot."""
    for directive in response["response"].get("directives") or []:
        if directive["type"] == "Dialog.ElicitSlot":
            assert directive["slotToElicit"] == "name"
            return directive["updatedIntent"]["name"]
    return None


def openers(talk, count: int) -> list[str]:
    spoken = []
    for _ in range(count):
        response = talk.say("AnotherQuestionIntent")
        assert_open_and_short(response, 75)
        spoken.append(ssml(response))
    return spoken


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("sam", "Sam"),
        ("  mary-jane  ", "Mary-Jane"),
        ("o'brien", "O'Brien"),
        ("Zoë", "Zoë"),
        ("sam & <b>co</b>", "Sam Bcob"),
        ("r2d2", "Rd"),
        ("x" * 45, "X" + "x" * 29),
        ("!!!", ""),
        (None, ""),
    ],
)
def test_names_are_cleaned(raw, clean):
    assert clean_name(raw) == clean


def test_our_names_are_remembered_and_alternate_across_sessions(talk, store):
    response = talk.say("SetNamesIntent", firstName="sam", secondName="alex")
    assert_open_and_short(response)
    assert "Sam and Alex" in talk.text
    assert store.load(talk.user_id).data["names"]["value"] == ["Sam", "Alex"]
    response = talk.say("AMAZON.YesIntent")  # "shall I ask you a question?"
    assert "Sam, you" in ssml(response)
    spoken = openers(talk, 2)
    talk.end()
    spoken += openers(talk, 3)
    firsts = ["Sam" if "Sam, you" in s else "Alex" if "Alex, you" in s else None for s in spoken]
    assert firsts == ["Alex", "Sam", "Alex", "Sam", "Alex"]


def said_one_of(key: str, spoken: str) -> bool:
    return any(variant in spoken for variant in catalogue("en-US")[key])


def test_without_names_the_skill_still_alternates(talk):
    spoken = openers(talk, 4)
    assert [said_one_of("ask.first.anyone", s) for s in spoken] == [True, False, True, False]
    assert [said_one_of("ask.first.other", s) for s in spoken] == [False, True, False, True]


def test_call_me_then_the_partner_links_the_voice_and_speaks_the_name_by_profile(make_handler, store, clock):
    talk = Conversation(make_handler(store, clock), person_id=SAM_VOICE)
    response = talk.say("CallMeIntent", name="sam")
    assert_open_and_short(response)
    assert "Nice to meet you, Sam" in talk.text and "partner's name" in talk.text
    assert talk.attributes["flow"]["name"] == "names"
    response = talk.say("AMAZON.FallbackIntent")
    assert_open_and_short(response)
    assert "partner's name" in talk.text and elicited(response) == "PartnerNameIntent"
    talk.say("PartnerNameIntent", name="Alex")  # "Alex", the answer, said by Sam
    record = store.load(talk.user_id).data
    assert record["names"]["value"] == ["Sam", "Alex"]
    assert record["voices"] == {SAM_VOICE: "a"}, "Sam's voice stays Sam's"
    spoken = openers(talk, 4)
    assert alexa_name(SAM_VOICE) + ", you" in spoken[0]
    assert "Alex, you" in spoken[1] and "alexa:name" not in spoken[1]
    assert alexa_name(SAM_VOICE) + ", you" in spoken[2]
    # Alex, on their own voice profile, says "call me Alex": the second voice is linked.
    alex = Conversation(talk.handler, person_id=ALEX_VOICE)
    alex.say("CallMeIntent", name="Alex")
    assert "Sam and Alex" in alex.text
    assert store.load(talk.user_id).data["voices"] == {SAM_VOICE: "a", ALEX_VOICE: "b"}
    spoken = openers(alex, 2)
    assert any(alexa_name(ALEX_VOICE) + ", you" in s for s in spoken)
    assert any("Sam, you" in s for s in spoken)


def test_a_recognised_voice_without_names_alternates_around_that_speaker(make_handler, store, clock):
    talk = Conversation(make_handler(store, clock), person_id=SAM_VOICE)
    spoken = openers(talk, 2)
    assert alexa_name(SAM_VOICE) + ", you" in spoken[0]
    assert alexa_name(SAM_VOICE) + ", this time your partner goes first." in spoken[1]


def test_only_one_name_known(talk):
    talk.say("CallMeIntent", name="Sam")
    response = talk.say("SkipIntent")  # no partner's name tonight: on to a question
    assert_open_and_short(response, 75)
    spoken = [ssml(response)] + openers(talk, 1)
    assert "Sam, you" in spoken[0]
    assert "Sam, this time your partner goes first." in spoken[1]


def test_unclear_names_get_a_kind_answer_and_lose_nothing(talk, store):
    talk.say("SetNamesIntent", firstName="sam", secondName="alex")
    response = talk.say("SetNamesIntent", firstName="!!", secondName="alex")
    assert_open_and_short(response)
    assert "didn't catch both names" in talk.text
    response = talk.say("CallMeIntent", name="123")
    assert_open_and_short(response)
    assert "didn't catch your name" in talk.text and elicited(response) == "CallMeIntent"
    assert store.load(talk.user_id).data["names"]["value"] == ["Sam", "Alex"]
    response = talk.say("AMAZON.HelpIntent")
    assert_open_and_short(response)
    assert "say the name" in talk.text and elicited(response) == "CallMeIntent", "help keeps asking for the name"


def test_a_third_name_is_not_guessed(talk, store):
    talk.say("SetNamesIntent", firstName="sam", secondName="alex")
    response = talk.say("CallMeIntent", name="jordan")
    assert_open_and_short(response)
    assert "I already know you as Sam and Alex" in talk.text
    assert store.load(talk.user_id).data["names"]["value"] == ["Sam", "Alex"]


@pytest.mark.parametrize("said", ["tired", "Scared", "cheating", "not sure", "my wife"])
def test_feelings_and_words_alexa_takes_for_names_are_not_names(said):
    assert clean_name(said) == ""


def test_im_tired_is_not_taken_as_a_name(talk, store):
    talk.launch()
    talk.say("CallMeIntent", name="Tired")
    assert "Tired" not in talk.text
    assert talk.open
    talk.say("PartnerNameIntent", name="Cheating")
    assert "Cheating" not in talk.text
    talk.say("AMAZON.StopIntent")
    stored = store.load(talk.user_id)
    assert "Tired" not in str(stored.data) and "Cheating" not in str(stored.data)
