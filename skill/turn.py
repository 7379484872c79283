"""What a handler works with during one request.

``Turn`` wraps the SDK's HandlerInput: the household record, the session's flow (where
the couple is in a conversation), the locale's sentences, slot values with entity
resolution, and response building that always sets ``shouldEndSession`` and always
has a reprompt when the session stays open.

The helpers at the bottom (``intent_is``, ``flow_is``, ...) are for ``can_handle``:
they look only at the request and the session attributes, never at the store.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from .household import Household
from .speech import Speech

FLOW_KEY = "flow"
OFFER_KEY = "offer"
LAST_KEY = "last"


def session_attributes(handler_input) -> dict:
    """The session's attributes, or an empty dict for requests that come without one
    (skill events), where the SDK would raise."""
    if handler_input.request_envelope.session is None:
        return {}
    return handler_input.attributes_manager.session_attributes


def _request(handler_input):
    return handler_input.request_envelope.request


def request_type(handler_input) -> str:
    return _request(handler_input).object_type


def intent_name(handler_input) -> str | None:
    request = _request(handler_input)
    if request.object_type != "IntentRequest" or request.intent is None:
        return None
    return request.intent.name


def intent_is(handler_input, *names: str) -> bool:
    return intent_name(handler_input) in names


def session_flow(handler_input) -> str | None:
    flow = session_attributes(handler_input).get(FLOW_KEY)
    return flow.get("name") if isinstance(flow, dict) else None


def flow_is(handler_input, *names: str) -> bool:
    return session_flow(handler_input) in names


def offer_is(handler_input, *names: str) -> bool:
    return session_attributes(handler_input).get(OFFER_KEY) in names


class Turn:
    def __init__(self, handler_input) -> None:
        self.handler_input = handler_input
        attributes = handler_input.attributes_manager
        self.session: dict = session_attributes(handler_input)
        self.request_attributes: dict = attributes.request_attributes
        self.household: Household = self.request_attributes["household"]
        self.speech: Speech = self.request_attributes["speech"]
        self.services = self.request_attributes.get("services")

    # ---- request ---------------------------------------------------------------
    @property
    def request(self):
        return _request(self.handler_input)

    @property
    def system(self):
        return self.handler_input.request_envelope.context.system

    @property
    def record(self) -> dict:
        return self.household.record

    def say(self, key: str, **values) -> str:
        return self.speech.say(key, **values)

    def slot(self, name: str) -> str | None:
        """The slot's spoken value, or None when it was not filled."""
        slot = self._slot(name)
        value = getattr(slot, "value", None) if slot else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    def slot_id(self, name: str) -> str | None:
        """The canonical id Alexa's entity resolution matched the slot to, if any."""
        slot = self._slot(name)
        resolutions = getattr(slot, "resolutions", None) if slot else None
        for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
            status = getattr(getattr(authority, "status", None), "code", None)
            if getattr(status, "value", status) == "ER_SUCCESS_MATCH" and authority.values:
                return authority.values[0].value.id
        return None

    def _slot(self, name: str):
        request = self.request
        intent = getattr(request, "intent", None)
        slots = getattr(intent, "slots", None) or {}
        return slots.get(name)

    @property
    def person_id(self) -> str | None:
        person = getattr(self.system, "person", None)
        return getattr(person, "person_id", None)

    def supports_apl(self) -> bool:
        device = getattr(self.system, "device", None)
        interfaces = getattr(device, "supported_interfaces", None)
        return getattr(interfaces, "alexa_presentation_apl", None) is not None

    # ---- session flow ------------------------------------------------------------
    @property
    def flow(self) -> dict:
        flow = self.session.get(FLOW_KEY)
        return flow if isinstance(flow, dict) else {}

    def start_flow(self, name: str, **data: Any) -> dict:
        self.session[FLOW_KEY] = {"name": name, **data}
        return self.session[FLOW_KEY]

    def update_flow(self, **data: Any) -> None:
        self.session[FLOW_KEY] = {**self.flow, **data}

    def end_flow(self) -> None:
        self.session.pop(FLOW_KEY, None)

    def offer(self, name: str | None) -> None:
        """What a plain "yes" accepts on the next turn (None: nothing)."""
        if name is None:
            self.session.pop(OFFER_KEY, None)
        else:
            self.session[OFFER_KEY] = name

    @property
    def last_response(self) -> dict | None:
        last = self.session.get(LAST_KEY)
        return last if isinstance(last, dict) else None

    # ---- responses -----------------------------------------------------------------
    def ask(self, speech: str, reprompt: str, *, card: tuple[str, str] | None = None, directives=()) -> Response:
        """Speak and keep the microphone open; remembered for "repeat that"."""
        builder = self.handler_input.response_builder
        builder.speak(speech).ask(reprompt)
        builder.set_should_end_session(False)
        self._decorate(builder, card, directives)
        self.session[LAST_KEY] = {"speech": speech, "reprompt": reprompt}
        return builder.response

    def tell(self, speech: str, *, card: tuple[str, str] | None = None, directives=()) -> Response:
        """Speak and end the session."""
        builder = self.handler_input.response_builder
        builder.speak(speech)
        builder.set_should_end_session(True)
        self._decorate(builder, card, directives)
        return builder.response

    def _decorate(self, builder, card, directives) -> None:
        if card:
            builder.set_card(SimpleCard(title=card[0], content=card[1]))
        for directive in directives:
            builder.add_directive(directive)
