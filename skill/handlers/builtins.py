"""Launch, help, stop, cancel, fallback, home, generic navigation, session end, errors.

Feature modules handle these intents themselves inside their own flows (their
handlers are registered first); what is here answers everywhere else, so no request
meets a dead end.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler

from ..speech import plain
from ..turn import Turn, intent_is, request_type, session_flow
from .names import names

log = logging.getLogger("heart.builtins")

# Requests a person is waiting on; everything else is answered without speech.
SPOKEN_REQUEST_TYPES = ("LaunchRequest", "IntentRequest", "Connections.Response")


def flow_speech(turn: Turn, prefix: str, flow: str | None = None) -> str:
    """``prefix.<flow>`` when the current flow has its own sentence, else ``prefix``."""
    flow = flow if flow is not None else session_flow(turn.handler_input)
    key = f"{prefix}.{flow}"
    return turn.say(key) if flow and turn.speech.has(key) else turn.say(prefix)


def goodbye(turn: Turn):
    """End the session with the current flow's farewell (its place, if any, is kept in the record)."""
    speech = flow_speech(turn, "goodbye")
    turn.end_flow()
    return turn.tell(speech)


def main_menu(turn: Turn, opening: str = "") -> object:
    turn.end_flow()
    turn.offer(None)
    speech = f"{opening} {turn.say('menu.choices')}".strip()
    return turn.ask(speech, turn.say("menu.reprompt"))


def answer_as_fallback(handler_input):
    """Answer as if Alexa had heard nothing in particular: what the current flow does
    with words it doesn't expect (the appreciation game takes them as a turn)."""
    from . import request_handlers

    intent = handler_input.request_envelope.request.intent
    heard = (intent.name, intent.slots)
    intent.name, intent.slots = "AMAZON.FallbackIntent", {}
    try:
        handler = next(h for h in request_handlers() if h.can_handle(handler_input))
        return handler.handle(handler_input)
    finally:
        intent.name, intent.slots = heard  # logs still name what Alexa heard


def recall(turn: Turn):
    """Something said earlier tonight that "repeat that" in a new session brings back:
    the first feature module with a ``recall(turn)`` that has one."""
    from . import FEATURE_MODULES

    for module in FEATURE_MODULES:
        hook = getattr(module, "recall", None)
        response = hook(turn) if hook else None
        if response is not None:
            return response
    return None


def resume_offer(turn: Turn):
    """The first feature with something unfinished tonight: (speech, offer name)."""
    from . import FEATURE_MODULES

    for module in FEATURE_MODULES:
        offer = getattr(module, "resume_offer", None)
        found = offer(turn) if offer else None
        if found:
            return found
    return None


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return request_type(handler_input) == "LaunchRequest"

    def handle(self, handler_input):
        turn = Turn(handler_input)
        household = turn.household
        first_visit = household.is_new and household.reachable
        household.touch()
        resume = resume_offer(turn)
        if resume:
            speech, offer = resume
            turn.offer(offer)
            return turn.ask(f"{turn.say('launch.returning_short')} {speech}", turn.say("launch.resume_reprompt"))
        if first_visit:
            return main_menu(turn, turn.say("launch.first"))
        if not household.reachable:
            return main_menu(turn, turn.say("launch.unreachable"))
        pair = names(turn.record)
        if all(pair):
            return main_menu(turn, turn.say("launch.returning_named", first=plain(pair[0]), second=plain(pair[1])))
        return main_menu(turn, turn.say("launch.returning"))


class HelpHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.HelpIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return turn.ask(flow_speech(turn, "help"), flow_speech(turn, "help_reprompt"))


class StopHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.StopIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return goodbye(turn)


class CancelHandler(AbstractRequestHandler):
    """Cancel leaves a question or confirmation that is pending; at the top it exits."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.CancelIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if turn.flow.get("confirming"):
            return main_menu(turn, turn.say("cancel.confirmation"))
        return goodbye(turn)


class NavigateHomeHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("home.opening"))


class FallbackHandler(AbstractRequestHandler):
    """Says what can be said here, and keeps the couple where they were."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.FallbackIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        reprompt = (turn.last_response or {}).get("reprompt") or turn.say("menu.reprompt")
        return turn.ask(flow_speech(turn, "fallback"), reprompt)


class ThanksHandler(AbstractRequestHandler):
    """"Thank you", "that was lovely": a warm word, then what can be said next. A flow
    with no ``thanks.<flow>`` sentence of its own hears it as anything else it didn't
    expect (in the game, thanking each other is part of a turn)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "ThanksIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        flow = session_flow(handler_input)
        if flow and not turn.speech.has(f"thanks.{flow}"):
            return answer_as_fallback(handler_input)
        reprompt = (turn.last_response or {}).get("reprompt")
        if not reprompt:  # "Alexa, tell heart to heart thank you": a goodbye
            return turn.tell(f"{turn.say('thanks')} {turn.say('goodbye')}")
        return turn.ask(f"{flow_speech(turn, 'thanks')} {reprompt}", reprompt)


class RepeatHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.RepeatIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        last = turn.last_response
        if not last:
            return recall(turn) or main_menu(turn, turn.say("repeat.nothing"))
        return turn.ask(last["speech"], last["reprompt"])


class PreviousHandler(AbstractRequestHandler):
    """"Go back" with nothing to go back to returns to the main choices."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.PreviousIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("previous.nothing"))


class StartOverHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.StartOverIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("home.opening"))


class YesHandler(AbstractRequestHandler):
    """A "yes" to nothing in particular: offer the main choices."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("yes.nothing"))


class NoHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.NoIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.end_flow()
        turn.offer(None)
        return turn.ask(turn.say("no.nothing"), turn.say("menu.reprompt"))


class NextHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.NextIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("next.nothing"))


class PauseHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.PauseIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        speech = flow_speech(turn, "pause")
        turn.end_flow()
        return turn.tell(speech)


class ResumeHandler(AbstractRequestHandler):
    """"Go on" outside a flow picks up tonight's unfinished ritual or check-in, if any."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.ResumeIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        resume = resume_offer(turn)
        if resume:
            speech, offer = resume
            turn.offer(offer)
            return turn.ask(speech, turn.say("launch.resume_reprompt"))
        return main_menu(turn, turn.say("resume.nothing"))


class UnhandledIntentHandler(AbstractRequestHandler):
    """An intent that makes no sense here (a rating with no check-in running, say)."""

    def can_handle(self, handler_input):
        return request_type(handler_input) == "IntentRequest"

    def handle(self, handler_input):
        turn = Turn(handler_input)
        reprompt = (turn.last_response or {}).get("reprompt") or turn.say("menu.reprompt")
        return turn.ask(flow_speech(turn, "unhandled"), reprompt)


class SessionEndedHandler(AbstractRequestHandler):
    """Alexa closed the session. Progress was saved turn by turn; anything still
    pending in the session copy is written by the SaveHousehold interceptor."""

    def can_handle(self, handler_input):
        return request_type(handler_input) == "SessionEndedRequest"

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        log.info("session ended", extra={"event": "session_ended", "reason": reason})
        return handler_input.response_builder.response


class QuietRequestHandler(AbstractRequestHandler):
    """Requests that need no speech (skill events, System.ExceptionEncountered, ...)."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        log.info("quiet request", extra={"event": "quiet", "request_type": request_type(handler_input)})
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Whatever went wrong, the couple hears a kind sentence and can carry on."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        log.error(
            "handler failed",
            extra={"event": "error", "error": type(exception).__name__, "request_type": request_type(handler_input)},
            exc_info=exception,
        )
        builder = handler_input.response_builder
        if request_type(handler_input) not in SPOKEN_REQUEST_TYPES:
            return builder.response
        from ..speech import Speech

        speech = Speech(getattr(handler_input.request_envelope.request, "locale", None))
        builder.speak(speech.say("error.spoken")).ask(speech.say("menu.reprompt"))
        builder.set_should_end_session(False)
        return builder.response


# Order matters: the first handler whose can_handle is true answers.
HANDLERS = [
    LaunchHandler(),
    HelpHandler(),
    StopHandler(),
    CancelHandler(),
    NavigateHomeHandler(),
    FallbackHandler(),
    ThanksHandler(),
    RepeatHandler(),
    PreviousHandler(),
    StartOverHandler(),
    YesHandler(),
    NoHandler(),
    NextHandler(),
    PauseHandler(),
    ResumeHandler(),
    SessionEndedHandler(),
    UnhandledIntentHandler(),
    QuietRequestHandler(),
]

EXCEPTION_HANDLERS = [CatchAllExceptionHandler()]
