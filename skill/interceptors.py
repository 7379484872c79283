"""Work done around every handler: open the household, save it, log the turn."""

from __future__ import annotations

import logging
import time

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor

from .household import SESSION_KEY, Household
from .speech import Speech
from .turn import session_attributes

log = logging.getLogger("heart.turn")


def _household_id(handler_input) -> str:
    user = handler_input.request_envelope.context.system.user
    return getattr(user, "user_id", None) or "anonymous"


class OpenHousehold(AbstractRequestInterceptor):
    """Puts the household (at most one store read per session) and the locale's speech
    into the request attributes."""

    def __init__(self, store, clock, services_factory=None) -> None:
        self.store = store
        self.clock = clock
        self.services_factory = services_factory

    def process(self, handler_input) -> None:
        attributes = handler_input.attributes_manager
        request = handler_input.request_envelope.request
        attributes.request_attributes["started"] = time.perf_counter()
        attributes.request_attributes["store"] = self.store
        attributes.request_attributes["speech"] = Speech(getattr(request, "locale", None))
        if self.services_factory is not None:
            attributes.request_attributes["services"] = self.services_factory(handler_input)
        if request.object_type.startswith("AlexaSkillEvent."):
            # Skill events come without a session; only the deletion handler needs the id.
            attributes.request_attributes["household"] = Household(
                _household_id(handler_input), {}, None, clock=self.clock
            )
            return
        household = Household.open(
            self.store, _household_id(handler_input), session_attributes(handler_input), clock=self.clock
        )
        attributes.request_attributes["household"] = household
        if request.object_type == "LaunchRequest" and household.time_zone is None:
            self._learn_time_zone(handler_input, household)

    @staticmethod
    def _learn_time_zone(handler_input, household) -> None:
        """Once per household: dates ("this week", "tonight") follow the couple's clock."""
        services = handler_input.attributes_manager.request_attributes.get("services")
        if services is None:
            return
        from .alexa_api import device_time_zone

        device = getattr(handler_input.request_envelope.context.system, "device", None)
        zone = device_time_zone(services, getattr(device, "device_id", None))
        if zone:
            household.set_time_zone(zone)


class SaveHousehold(AbstractResponseInterceptor):
    """Writes the household once if the turn changed it, and carries the copy in the
    session when the session stays open. A failed write never silences the turn."""

    def __init__(self, store) -> None:
        self.store = store

    def process(self, handler_input, response) -> None:
        attributes = handler_input.attributes_manager
        household: Household | None = attributes.request_attributes.get("household")
        if household is None or not household.record:
            return
        saved = household.save(self.store)  # bounded by the deadline the household set when opened
        session_open = response is not None and response.should_end_session is False
        # A Connections.SendRequest (permission prompt) leaves shouldEndSession unset and
        # Alexa may come back in the same session: carry the copy then too.
        may_continue = session_open or (response is not None and response.should_end_session is None)
        if may_continue and handler_input.request_envelope.session is not None:
            attributes.session_attributes[SESSION_KEY] = household.to_session()
        if not saved and response is not None and response.output_speech is not None:
            speech: Speech = attributes.request_attributes["speech"]
            key = "store.unsaved_open" if session_open else "store.unsaved_closing"
            _append_speech(response, speech.say(key))


def _append_speech(response, sentence: str) -> None:
    ssml = getattr(response.output_speech, "ssml", None)
    if ssml and ssml.endswith("</speak>"):
        response.output_speech.ssml = ssml[: -len("</speak>")] + " " + sentence + "</speak>"


class LogTurn(AbstractResponseInterceptor):
    """One structured line per turn: what kind of request, what came of it, how long.
    Never what the couple said, slot values, names or the user id."""

    def process(self, handler_input, response) -> None:
        attributes = handler_input.attributes_manager
        request = handler_input.request_envelope.request
        household: Household | None = attributes.request_attributes.get("household")
        started = attributes.request_attributes.get("started", time.perf_counter())
        log.info(
            "turn",
            extra={
                "event": "turn",
                "request_type": request.object_type,
                "intent": getattr(getattr(request, "intent", None), "name", None),
                "flow": (session_attributes(handler_input).get("flow") or {}).get("name"),
                "ends_session": None if response is None else response.should_end_session,
                "unsaved": bool(household and household.save_failed),
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
