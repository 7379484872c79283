"""Checks every response of the ritual and game tests must pass, and record access.

Speech length is estimated as words at 150 words a minute plus the SSML break times;
Alexa's own voice is a little faster, so the estimate errs on the long side.
"""

from __future__ import annotations

import re

from alexa import DEFAULT_USER, Conversation, reprompt_text, speech_text

from skill import state

WORDS_PER_MINUTE = 150
MAX_SECONDS = 90
MAX_SSML_CHARS = 8000
_BREAK = re.compile(r'<break\s+time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
_TAG = re.compile(r"<[^>]+>")


def speech_seconds(ssml: str) -> float:
    """Estimated speaking time of an SSML string: words / 150 wpm + breaks."""
    pauses = sum(float(value) / (1000 if unit == "ms" else 1) for value, unit in _BREAK.findall(ssml))
    words = len(_TAG.sub(" ", ssml).split())
    return words * 60 / WORDS_PER_MINUTE + pauses


def _ssml(part: dict | None) -> str:
    return (part or {}).get("ssml", "")


def check_response(response: dict) -> None:
    """Speakable and short; open sessions have a reprompt; Alexa's permission prompt
    (Connections.SendRequest) leaves shouldEndSession unset and has no reprompt."""
    body = response["response"]
    kinds = [d.get("type") for d in body.get("directives") or []]
    if "Connections.SendRequest" in kinds:
        assert "shouldEndSession" not in body and "reprompt" not in body, body
        return
    ssml = _ssml(body.get("outputSpeech"))
    assert ssml.startswith("<speak>") and speech_text(response), body
    assert len(ssml) <= MAX_SSML_CHARS
    assert speech_seconds(ssml) < MAX_SECONDS, (speech_seconds(ssml), ssml)
    for value, unit in _BREAK.findall(ssml):
        assert float(value) / (1000 if unit == "ms" else 1) <= 10
    if body.get("shouldEndSession") is False:
        reprompt = _ssml((body.get("reprompt") or {}).get("outputSpeech"))
        assert reprompt_text(response), f"open session without a reprompt: {body}"
        assert speech_seconds(reprompt) < MAX_SECONDS
    else:
        assert body.get("shouldEndSession") is True, body


class CheckedConversation(Conversation):
    """A Conversation that checks every response it gets."""

    def __init__(self, handler, **options) -> None:
        super().__init__(handler, **options)
        self.responses: list[dict] = []

    def send(self, request_body: dict, **overrides) -> dict:
        response = super().send(request_body, **overrides)
        if request_body.get("type") != "SessionEndedRequest":
            check_response(response)
        self.responses.append(response)
        return response


def record(store, user: str = DEFAULT_USER) -> dict:
    stored = store.load(user)
    return stored.data if stored else {}


def ritual(store, user: str = DEFAULT_USER) -> dict | None:
    return state.lww_value(record(store, user).get("ritual"))
