"""Checks shared by the question, names, tips and APL tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from alexa import reprompt_text, speech_text

# Alexa speaks about 150 words a minute: 30 seconds is about 75 words.
WORDS_IN_30_SECONDS = 75


def ssml(response: dict) -> str:
    return response["response"]["outputSpeech"]["ssml"]


def assert_well_formed(response: dict) -> None:
    """The SSML parses as XML (names and content are escaped)."""
    body = ssml(response).replace("<speak>", '<speak xmlns:alexa="urn:alexa">', 1)
    ET.fromstring(body)


def assert_open_and_short(response: dict, max_words: int = 60) -> None:
    """Session stays open, a reprompt is there, the speech is short and well formed."""
    assert response["response"]["shouldEndSession"] is False
    assert reprompt_text(response), "an open session needs a reprompt"
    words = len(speech_text(response).split())
    assert 0 < words <= max_words, f"{words} words: {speech_text(response)!r}"
    assert_well_formed(response)


def current_qid(talk) -> str:
    flow = talk.attributes.get("flow") or {}
    assert flow.get("name") == "question", flow
    return flow["qid"]
