"""Builds the skill from its parts. Every entry point (Lambda, console, web) and every
test uses :func:`build_skill`, so they all run exactly the same skill."""

from __future__ import annotations

import logging
import time
from typing import Callable

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from .config import Settings
from .handlers import exception_handlers, request_handlers
from .interceptors import LogTurn, OpenHousehold, SaveHousehold
from .persistence import HouseholdStore, store_from_settings

log = logging.getLogger("heart.app")
_serializer = DefaultSerializer()


def build_skill(
    store: HouseholdStore | None = None,
    *,
    settings: Settings | None = None,
    clock: Callable[[], float] = time.time,
    services_factory=None,
):
    """The skill, ready to ``invoke``. ``store`` defaults to what ``settings`` (the
    environment) configures; ``clock`` is injectable so tests can move time."""
    settings = settings or Settings.from_env()
    store = store or store_from_settings(settings)
    if services_factory is None:
        from .alexa_api import services_for

        services_factory = services_for
    builder = SkillBuilder()
    builder.skill_id = settings.skill_id
    for handler in request_handlers():
        builder.add_request_handler(handler)
    for handler in exception_handlers():
        builder.add_exception_handler(handler)
    builder.add_global_request_interceptor(OpenHousehold(store, clock, services_factory))
    builder.add_global_response_interceptor(SaveHousehold(store))
    builder.add_global_response_interceptor(LogTurn())
    skill = builder.create()
    skill.household_store = store
    return skill


def handle_event(skill, event: dict) -> dict:
    """Alexa JSON in, Alexa JSON out; never raises to the caller (Lambda, web, console)."""
    try:
        envelope = _serializer.deserialize(_json(event), RequestEnvelope)
        if envelope is None or envelope.request is None or envelope.context is None:
            raise ValueError("not an Alexa request envelope")
    except Exception as error:  # a malformed envelope still gets valid Alexa JSON back
        log.warning("malformed request", extra={"event": "malformed", "error": type(error).__name__})
        return spoken_failure("malformed")
    try:
        response = skill.invoke(request_envelope=envelope, context=None)
    except AskSdkException as error:
        if "Skill ID Verification" in str(error):
            log.warning("request refused", extra={"event": "refused", "reason": "skill_id"})
            return spoken_failure("refused")
        log.exception("skill failed", extra={"event": "failed", "error": type(error).__name__})
        return spoken_failure("failed")
    except Exception as error:
        log.exception("skill failed", extra={"event": "failed", "error": type(error).__name__})
        return spoken_failure("failed")
    return _serializer.serialize(response)


def _json(event) -> str:
    import json

    return event if isinstance(event, str) else json.dumps(event)


def spoken_failure(kind: str) -> dict:
    """A complete Alexa response for requests the skill itself cannot process."""
    from .speech import Speech

    text = Speech(None).say(f"envelope.{kind}")
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"},
            "shouldEndSession": True,
        },
    }
