"""The safety net: distress phrases reach SafetyIntent through the interaction model,
and the answer is calm, points to real help, works inside any flow, offers to call no
one, and leaves the household record exactly as it was."""

from __future__ import annotations

import json
import re

import pytest
from alexa import ROOT, intent_request, reprompt_text, speech_text

from skill import nlu

SAFETY_PHRASES = [
    "we need help",
    "we keep fighting",
    "I don't feel safe at home",
    "we fight all the time",
    "we can't stop arguing",
    "we argue all the time",
    "all we do is fight",
    "I don't feel safe with my partner",
    "I'm scared of my partner",
    "my partner hurts me",
    "my partner hit me",
    "I'm in an abusive relationship",
    "we need a counselor",
    "we need couples therapy",
    "where can we get help",
    "I want to hurt myself",
    "our marriage is falling apart",
    "we're thinking about divorce",
    "things are really bad between us",
    "alexa we keep fighting",
]

NOT_SAFETY = {
    "help": "AMAZON.HelpIntent",
    "help me": "AMAZON.HelpIntent",
    "we need a break": "AMAZON.PauseIntent",
    "let's do a check in": "CheckInIntent",
    "how are we doing": "ProgressIntent",
    "ask us a question": "AskQuestionIntent",
    "stop reminding us": "CancelRemindersIntent",
}


@pytest.mark.parametrize("phrase", SAFETY_PHRASES)
def test_distress_phrases_reach_the_safety_intent(phrase):
    assert nlu.match(phrase).intent == "SafetyIntent"


@pytest.mark.parametrize("phrase, intent", sorted(NOT_SAFETY.items()))
def test_everyday_phrases_do_not_reach_the_safety_intent(phrase, intent):
    assert nlu.match(phrase).intent == intent


def test_every_safety_sample_reaches_safety_and_no_other_intent_has_one():
    model = json.loads((ROOT / "interaction_model/interactionModels/custom/en-US.json").read_text())
    intents = model["interactionModel"]["languageModel"]["intents"]
    samples = next(i["samples"] for i in intents if i["name"] == "SafetyIntent")
    assert len(samples) >= 60
    for sample in samples:
        assert nlu.match(sample).intent == "SafetyIntent", sample


def hear(talk, text: str) -> dict:
    return talk.send(nlu.intent_request(nlu.match(text)))


def assert_safety_answer_us(response: dict) -> None:
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert '<say-as interpret-as="telephone">1-800-799-7233</say-as>' in ssml
    assert '<say-as interpret-as="digits">988</say-as>' in ssml
    text = speech_text(response)
    assert "not therapy" in text and "counselor" in text
    assert not re.search(r"\b(shall|should|can|may) I (call|contact|dial|ring)\b|want me to call", text, re.I)
    assert "card" not in response["response"] and "directives" not in response["response"]
    assert response["response"]["shouldEndSession"] is False and reprompt_text(response)


def test_the_answer_is_calm_and_stores_nothing(talk, store):
    talk.launch()
    talk.say("AnotherQuestionIntent")  # something stored first, so "unchanged" means something
    before = store.load(talk.user_id)
    carried = json.dumps(talk.attributes.get("household", {}).get("record"), sort_keys=True)
    response = hear(talk, "we keep fighting")
    assert_safety_answer_us(response)
    after = store.load(talk.user_id)
    assert after.data == before.data and after.version == before.version
    assert json.dumps(talk.attributes["household"]["record"], sort_keys=True) == carried


def test_repeat_says_the_numbers_again(talk):
    talk.launch()
    response = hear(talk, "we need help")
    again = talk.say("AMAZON.RepeatIntent")
    assert speech_text(again) == speech_text(response)


@pytest.mark.parametrize("setup", ["checkin", "reminders", "question", "new session"])
def test_it_answers_inside_any_flow_and_the_flow_carries_on(talk, store, setup):
    if setup == "checkin":
        talk.say("CheckInIntent")
    elif setup == "reminders":
        hear(talk, "remind us")
    elif setup == "question":
        hear(talk, "ask us a question")
    flow = dict(talk.attributes.get("flow") or {})
    before = store.load(talk.user_id)
    response = hear(talk, "I don't feel safe at home")
    assert_safety_answer_us(response)
    assert (talk.attributes.get("flow") or {}) == flow
    after = store.load(talk.user_id)
    assert (before is None and after is None) or after.data == before.data
    if setup == "checkin":
        assert "Now the other one of you" in speech_text(talk.say("RatingIntent", rating="6"))


def test_other_locales_get_no_invented_numbers(talk):
    talk.launch()
    response = talk.send(intent_request("SafetyIntent", locale="en-GB"))
    text = speech_text(response)
    assert "local emergency services" in text and "helpline" in text
    assert not re.search(r"\d", text)
    assert response["response"]["shouldEndSession"] is False


def test_help_and_the_skill_description_say_it_is_not_professional_help(talk):
    talk.launch()
    assert "not a substitute for professional help" in speech_text(talk.say("AMAZON.HelpIntent"))
    talk.say("CheckInIntent")
    assert "not a substitute for professional help" in speech_text(talk.say("AMAZON.HelpIntent"))
    manifest = json.loads((ROOT / "interaction_model/skill.json").read_text())["manifest"]
    assert "not a substitute for professional help" in manifest["publishingInformation"]["locales"]["en-US"][
        "description"
    ]


MORE_DISTRESS = [
    "I'm scared", "I am afraid", "I'm frightened of him", "my partner is hurting me", "my partner is abusing me",
    "he hits me", "she threatened me", "my husband is hurting me", "I'm being hurt", "I feel unsafe at home",
    "I'm in danger at home", "call the police", "call nine one one", "it's an emergency", "I want to die",
    "I want to kill myself", "I'm thinking about suicide", "I don't want to be here anymore", "I can't go on",
    "I'm not okay", "we had a big fight", "we're breaking up", "I need a therapist", "we need marriage counseling",
]


@pytest.mark.parametrize("phrase", MORE_DISTRESS)
def test_more_ways_a_distressed_person_asks_reach_the_safety_intent(phrase):
    """Several of these once sounded like names ("I'm <name>", "my partner is <name>")."""
    assert nlu.match(phrase).intent == "SafetyIntent"


@pytest.mark.parametrize("phrase", ["help", "I need help with the ritual", "help with the check in",
                                    "how does the game work", "what do we say", "help us"])
def test_asking_how_the_skill_works_reaches_help_not_the_safety_net(phrase):
    assert nlu.match(phrase).intent == "AMAZON.HelpIntent"


def test_i_am_scared_is_answered_with_care_and_names_nothing(talk, store):
    talk.launch()
    response = hear(talk, "I'm scared")
    assert_safety_answer_us(response)
    stored = store.load(talk.user_id)
    assert stored is None or not stored.data.get("names")


def test_urgent_help_comes_first_and_the_answer_says_how_to_reach_the_skills_own_help(talk):
    talk.launch()
    text = speech_text(hear(talk, "I need help"))
    assert text.index("911") < text.index("988") < text.index("counselor")
    assert text.endswith("If you meant help with this skill itself, just say: help.")
    general = speech_text(talk.send(intent_request("SafetyIntent", locale="en-GB")))
    assert general.endswith("just say: help.") and general.index("emergency") < general.index("counselor")
