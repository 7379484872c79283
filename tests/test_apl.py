"""Screens: a question or tip as large text on APL devices, voice only elsewhere."""

from __future__ import annotations

import json

import pytest
from alexa import Conversation

from skill import apl, deck

RENDER = "Alexa.Presentation.APL.RenderDocument"


def directives(response: dict) -> list[dict]:
    return response["response"].get("directives") or []


def test_the_document_is_apl_and_binds_the_datasource():
    document = apl.document()
    assert document["type"] == "APL" and document["mainTemplate"]["parameters"] == ["payload"]
    text = json.dumps(document)
    for field in ("payload.text.title", "payload.text.body", "payload.text.hint", "payload.text.size"):
        assert field in text


@pytest.mark.parametrize("intent, kind", [("AskQuestionIntent", "question"), ("TipIntent", "tip")])
def test_a_screen_shows_the_text_and_a_speaker_gets_voice_only(handler, intent, kind):
    screen = Conversation(handler, apl=True)
    response = screen.say(intent)
    rendered = [d for d in directives(response) if d["type"] == RENDER]
    assert len(rendered) == 1
    flow = screen.attributes["flow"]
    expected = deck.deck().questions[flow["qid"]].text if kind == "question" else deck.tips()[flow["tip"]].text
    body = rendered[0]["datasources"]["text"]
    assert body["body"] == expected and body["title"] and body["hint"]
    assert rendered[0]["document"]["type"] == "APL"
    assert response["response"]["shouldEndSession"] is False
    assert len(json.dumps(response)) < 24_000

    speaker = Conversation(handler, user_id="amzn1.ask.account.SPEAKERONLY")
    response = speaker.say(intent)
    assert directives(response) == []
    assert response["response"]["outputSpeech"]["ssml"]
