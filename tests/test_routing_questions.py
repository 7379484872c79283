"""Real couples' wording reaches the right intent and slot, through the interaction
model (skill.nlu.match), and the model's slot types equal what the content gives."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from alexa import Conversation, speech_text

from skill import nlu
from tools import sync_slot_types

ASK = [
    'ask us a question',
    'give us a question',
    'what should we talk about',
    'we need something to talk about',
    'give us something to talk about',
    'got a question for us',
    'do you have a question for us',
    'start a conversation',
    'ask us something',
    'get us talking',
    'question please',
    'we want a question',
    'pick a question for us',
    'a question for the two of us',
    'ask the two of us a question',
    'give us a conversation starter',
    'ask us anything',
    'give us a topic',
    'what can we talk about',
    'can you ask us a question',
    "we'd like a question",
    "let's have a question",
    'a random question',
    'surprise us with a question',
    'ask us a random question',
    'help us start talking',
    'ask us a question for tonight',
    'something to talk about',
    'I want a question',
    'hit us with a question',
    "let's talk",
    'what should we talk about tonight',
]

BY_THEME = [
    ('ask us a question about our dreams', 'dreams'),
    ('a question about childhood', 'growing_up'),
    ("let's talk about trust", 'trust'),
    ('ask us about memories', 'memories'),
    ('something about the future', 'future'),
    ('give us a question about having fun', 'fun'),
    ('we want to talk about our values', 'values'),
    ('talk about appreciation', 'appreciation'),
    ('ask us something about conflict', 'conflict'),
    ('a question about how we met', 'memories'),
    ('ask about our day', 'days'),
    ('give us a feelings question', 'feelings'),
    ('a memories question', 'memories'),
    ("let's talk about growing up", 'growing_up'),
    ('ask us about where we came from', 'growing_up'),
    ('questions about the future', 'future'),
    ('can we talk about affection', 'affection'),
    ("I'd like a question about gratitude", 'appreciation'),
    ('ask us something about our hopes', 'dreams'),
    ('a trust question', 'trust'),
    ("we'd like to talk about romance", 'affection'),
    ("let's discuss our goals", 'dreams'),
    ('ask us one about the past', 'memories'),
    ('a question on our values', 'values'),
    ('get us talking about our childhoods', 'growing_up'),
    ("let's talk about the old times", 'memories'),
]

BY_DEPTH = [
    ('ask us something deep', 'deep'),
    ('keep it light', 'light'),
    ('something light', 'light'),
    ('a deep question', 'deep'),
    ('give us a deeper question', 'deeper'),
    ('something more personal', 'deeper'),
    ("let's go deeper", 'deeper'),
    ('ask us something serious', 'deep'),
    ('a light question', 'light'),
    ('an easy question', 'light'),
    ('give us something fun', 'light'),
    ('something meaningful', 'deep'),
    ('ask us a heavy one', 'deep'),
    ("let's keep it light tonight", 'light'),
    ('something a bit deeper', 'deeper'),
    ('something casual', 'light'),
    ('a playful question', 'light'),
    ('an intimate question', 'deep'),
    ("let's go deep", 'deep'),
    ('take it deeper', 'deeper'),
    ('something easy', 'light'),
    ('a thoughtful question', 'deeper'),
    ('ask us a big question', 'deep'),
    ('a simple question', 'light'),
    ('a really deep question', 'deep'),
    ('something heartfelt', 'deep'),
    ('a deep one', 'deep'),
    ("let's get deep", 'deep'),
]

TIPS = [
    ('give us a tip', None),
    ('a relationship tip', None),
    ('any advice for us', None),
    ("what's your advice", None),
    ('do you have any tips for couples', None),
    ('teach us something', None),
    ('tell us about listening', 'listening'),
    ('how can we get better at listening', 'listening'),
    ('tips on trust', 'trust'),
    ('give us advice on conflict', 'conflict'),
    ('help us with arguments', 'conflict'),
    ('tips for date night', 'time_together'),
    ('tell us about screen time', 'devices'),
    ('advice about appreciation', 'appreciation'),
    ('a tip about affection', 'affection'),
    ('how do we handle arguments', 'conflict'),
    ('how can we build trust', 'trust'),
    ('give us a tip on opening up', 'vulnerability'),
    ("what's a tip for quality time", 'time_together'),
    ('tell me about professional support', 'professional_support'),
    ('a tip for tonight', None),
    ('give us some relationship advice', None),
    ('got any tips', None),
    ('share a tip', None),
    ('another tip', None),
    ('a tip on phones', 'devices'),
    ('how can we be closer', None),
    ("what's a good tip for us", None),
]
OTHER = [
    ("another one", "AnotherQuestionIntent"),
    ("give us another one", "AnotherQuestionIntent"),
    ("one more question", "AnotherQuestionIntent"),
    ("skip", "SkipIntent"),
    ("skip that one", "SkipIntent"),
    ("save that one", "SaveFavouriteIntent"),
    ("add that to our favorites", "SaveFavouriteIntent"),
    ("ask one of our favorites", "FavouriteQuestionIntent"),
    ("repeat that", "AMAZON.RepeatIntent"),
    ("tip of the day", "TipOfTheDayIntent"),
    ("what's today's tip", "TipOfTheDayIntent"),
]


def test_at_least_twenty_phrasings_each():
    for phrasings in (ASK, BY_THEME, BY_DEPTH, TIPS):
        assert len(set(phrasings)) >= 20


@pytest.mark.parametrize("line", ASK)
def test_asking_for_a_question(line):
    result = nlu.match(line)
    assert result.intent == "AskQuestionIntent"
    assert not result.slots, result.slots


@pytest.mark.parametrize("line, theme", BY_THEME)
def test_asking_by_theme(line, theme):
    result = nlu.match(line)
    assert result.intent == "AskQuestionIntent"
    assert result.slots["theme"].resolved_id == theme


@pytest.mark.parametrize("line, depth", BY_DEPTH)
def test_asking_by_depth(line, depth):
    result = nlu.match(line)
    assert result.intent == "AskQuestionIntent"
    assert result.slots["depth"].resolved_id == depth


@pytest.mark.parametrize("line, topic", TIPS)
def test_asking_for_a_tip(line, topic):
    result = nlu.match(line)
    assert result.intent == "TipIntent"
    assert (result.slots["topic"].resolved_id if "topic" in result.slots else None) == topic


@pytest.mark.parametrize("line, intent", OTHER)
def test_moving_through_questions(line, intent):
    assert nlu.match(line).intent == intent


def test_theme_and_depth_together():
    result = nlu.match("ask us a deep question about trust")
    assert result.intent == "AskQuestionIntent"
    assert (result.slots["theme"].resolved_id, result.slots["depth"].resolved_id) == ("trust", "deep")


def test_samples_are_unique_across_intents():
    model = json.loads(nlu.MODEL_DIR.joinpath("en-US.json").read_text(encoding="utf-8"))
    owners = Counter()
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        for sample in set(nlu.normalise_sample(s) for s in intent.get("samples", [])):
            owners[sample] += 1
    assert not [sample for sample, count in owners.items() if count > 1]


def test_slot_types_equal_the_content_files():
    model = json.loads(sync_slot_types.MODEL_PATH.read_text(encoding="utf-8"))
    types = {t["name"]: t["values"] for t in model["interactionModel"]["languageModel"]["types"]}
    for name, values in sync_slot_types.slot_types().items():
        assert types[name] == values, f"{name} is out of date: run python tools/sync_slot_types.py"
    assert sync_slot_types.sync(write=False) is False


def test_a_matched_line_reaches_the_handler_with_its_slots(handler):
    talk = Conversation(handler)
    talk.send(nlu.match("ask us something deep about our dreams").request())
    flow = talk.attributes["flow"]
    assert (flow["theme"], flow["depth"]) == ("dreams", "deep")
    talk.send(nlu.match("tell us about listening").request())
    assert talk.attributes["flow"] == {"name": "tip", "tip": "listening"}
    assert "listening" in speech_text(talk.last)
