"""Alexa as the tests see it: request JSON like Alexa's, and sessions that open and
close as on a speaker. Every request goes through the real Lambda entry point
(``lambda/app.py``'s ``handler``)."""

from __future__ import annotations

import importlib.util
import re
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
DEFAULT_USER = "amzn1.ask.account.TESTHOUSEHOLD0001"
TIMESTAMP = "2026-11-26T19:30:00Z"


def load_lambda_module(name: str = "heart_lambda_app"):
    """Import lambda/app.py the way the Lambda runtime does (by file, not package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location(name, ROOT / "lambda" / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def slot(name: str, value: str | None, resolved_id: str | None = None, authority: str = "TYPE") -> dict:
    data: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        data["value"] = value
        if resolved_id is not None:
            data["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{authority}",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": value, "id": resolved_id}}],
                    }
                ]
            }
    return data


def envelope(
    request: dict,
    *,
    session: dict | None,
    user_id: str = DEFAULT_USER,
    skill_id: str = SKILL_ID,
    api_endpoint: str = "http://127.0.0.1:9",
    api_token: str = "test-api-token",
    person_id: str | None = None,
    apl: bool = False,
) -> dict:
    system: dict[str, Any] = {
        "application": {"applicationId": skill_id},
        "user": {"userId": user_id},
        "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
        "apiEndpoint": api_endpoint,
        "apiAccessToken": api_token,
    }
    if apl:
        system["device"]["supportedInterfaces"]["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2023.3"}}
    if person_id:
        system["person"] = {"personId": person_id, "accessToken": "person-token"}
    body: dict[str, Any] = {"version": "1.0", "context": {"System": system}, "request": request}
    if session is not None:
        body["session"] = session
    return body


def request(kind: str, **fields) -> dict:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": TIMESTAMP,
        "locale": fields.pop("locale", "en-US"),
        **fields,
    }


def intent_request(name: str, slots: dict[str, dict] | None = None, **fields) -> dict:
    return request(
        "IntentRequest",
        dialogState="COMPLETED",
        intent={"name": name, "confirmationStatus": "NONE", "slots": slots or {}},
        **fields,
    )


def speech_text(response: dict) -> str:
    """The spoken text, SSML tags removed."""
    ssml = (response.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).strip()


def reprompt_text(response: dict) -> str:
    ssml = ((response.get("response", {}).get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).strip()


class Conversation:
    """One household talking to the skill: sessions open, carry attributes, and close
    as they would on a speaker."""

    def __init__(self, handler, *, user_id: str = DEFAULT_USER, **envelope_options) -> None:
        self.handler = handler
        self.user_id = user_id
        self.envelope_options = envelope_options
        self.session: dict | None = None
        self.last: dict | None = None

    @property
    def open(self) -> bool:
        return self.session is not None

    def _session(self) -> dict:
        if self.session is None:
            self.session = {
                "new": True,
                "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                "application": {"applicationId": self.envelope_options.get("skill_id", SKILL_ID)},
                "user": {"userId": self.user_id},
                "attributes": {},
            }
        return self.session

    def send(self, request_body: dict, **overrides) -> dict:
        session = self._session()
        options = {**self.envelope_options, **overrides}
        event = envelope(request_body, session=dict(session), user_id=self.user_id, **options)
        response = self.handler(event, None)
        self.last = response
        self._after(response)
        return response

    def _after(self, response: dict) -> None:
        body = response.get("response", {})
        if body.get("shouldEndSession") is False or (
            "shouldEndSession" not in body and body.get("directives")
        ):
            self.session["new"] = False
            self.session["attributes"] = response.get("sessionAttributes") or {}
        else:
            self.session = None

    def launch(self, **overrides) -> dict:
        self.session = None
        return self.send(request("LaunchRequest"), **overrides)

    def say(self, intent: str, **slots) -> dict:
        """An intent; slot values may be plain strings or ``(value, resolved_id)``."""
        built = {}
        for name, value in slots.items():
            if isinstance(value, tuple):
                built[name] = slot(name, value[0], value[1])
            else:
                built[name] = slot(name, value)
        return self.send(intent_request(intent, built))

    def end(self, reason: str = "USER_INITIATED") -> dict | None:
        """Alexa ends the session (silence, the user walking away, an error)."""
        if self.session is None:
            return None
        response = self.send(request("SessionEndedRequest", reason=reason))
        self.session = None
        return response

    @property
    def text(self) -> str:
        return speech_text(self.last or {})

    @property
    def attributes(self) -> dict:
        return (self.session or {}).get("attributes", {})
