"""Forget us: "delete our data" (after a yes) and the skill being disabled.

Deletion is the one thing the skill cannot undo, so the yes must answer our own
question on the very next turn: while the "forget" flow is open every other intent
cancels it ("I haven't deleted anything"), except stop, pause, repeat and the safety
net, and a yes counts only if the last thing the skill said was the question. A request
for something else ("ask us a question") is then answered as it would have been.
``AlexaSkillEvent.SkillDisabled`` comes with no session and no one to talk to: it
deletes the record and answers with an empty response. Whatever is left (a failed
delete, a household that never comes back) expires through the table's TTL.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..turn import LAST_KEY, Turn, flow_is, intent_is, intent_name, request_type, session_attributes
from .builtins import main_menu

log = logging.getLogger("heart.privacy")

FLOW = "forget"
# Answered by their usual handlers while the question is open; none of them deletes.
PASS_THROUGH = ("AMAZON.StopIntent", "AMAZON.PauseIntent", "AMAZON.RepeatIntent", "SafetyIntent")


def _ask_to_confirm(turn: Turn, key: str, reprompt_key: str = "forget.confirm_reprompt"):
    """Ask (or ask again) whether to delete; remember exactly what was asked."""
    speech = turn.say(key)
    turn.start_flow(FLOW, confirming=True, asked=speech)
    turn.offer(None)
    return turn.ask(speech, turn.say(reprompt_key))


def _question_pending(handler_input) -> bool:
    """The last thing the skill said was our question (nothing else answered since)."""
    attributes = session_attributes(handler_input)
    flow, last = attributes.get("flow") or {}, attributes.get(LAST_KEY) or {}
    return flow_is(handler_input, FLOW) and flow.get("confirming") and last.get("speech") == flow.get("asked")


class DeleteDataHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "DeleteDataIntent")

    def handle(self, handler_input):
        return _ask_to_confirm(Turn(handler_input), "forget.confirm")


class ForgetYesHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and _question_pending(handler_input)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if not turn.household.forget(turn.request_attributes["store"]):
            log.warning("delete failed", extra={"event": "forget", "outcome": "unreachable"})
            return _ask_to_confirm(turn, "forget.failed", "forget.failed_reprompt")
        log.info("household forgotten", extra={"event": "forget", "outcome": "deleted"})
        turn.end_flow()
        return turn.tell(turn.say("forget.done"))


class ForgetNoHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "AMAZON.NoIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return main_menu(turn, turn.say("forget.kept"))


class ForgetHelpHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "AMAZON.HelpIntent", "AMAZON.FallbackIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if intent_is(handler_input, "AMAZON.HelpIntent"):
            return _ask_to_confirm(turn, "help.forget", "help_reprompt.forget")
        return _ask_to_confirm(turn, "fallback.forget")


class ForgetOtherHandler(AbstractRequestHandler):
    """Anything else while the question is open (a late "yes" included) keeps the data;
    a request of the couple's own ("how are we doing") is then answered as usual."""

    def can_handle(self, handler_input):
        return (
            flow_is(handler_input, FLOW)
            and request_type(handler_input) == "IntentRequest"
            and not intent_is(handler_input, *PASS_THROUGH)
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        kept = turn.say("forget.kept_other")
        if (intent_name(handler_input) or "").startswith("AMAZON."):
            return main_menu(turn, kept)
        turn.end_flow()
        turn.offer(None)
        turn.session.pop(LAST_KEY, None)  # the question is withdrawn: nothing re-asks it
        response = _answer_elsewhere(handler_input)
        speech = getattr(response, "output_speech", None)
        if getattr(speech, "ssml", None):
            speech.ssml = speech.ssml.replace("<speak>", f"<speak>{kept} ", 1)
        return response


def _answer_elsewhere(handler_input):
    """The answer of the first handler outside this module that takes the request."""
    from . import request_handlers

    ours = {id(handler) for handler in HANDLERS}
    handler = next(h for h in request_handlers() if id(h) not in ours and h.can_handle(handler_input))
    return handler.handle(handler_input)


class SkillDisabledHandler(AbstractRequestHandler):
    """No session, no speech: delete and answer with an empty response."""

    def can_handle(self, handler_input):
        return request_type(handler_input) == "AlexaSkillEvent.SkillDisabled"

    def handle(self, handler_input):
        turn = Turn(handler_input)
        deleted = turn.household.forget(turn.request_attributes["store"])
        log.info("skill disabled", extra={"event": "forget", "outcome": "deleted" if deleted else "unreachable"})
        return handler_input.response_builder.response


HANDLERS = [
    DeleteDataHandler(),
    ForgetYesHandler(),
    ForgetNoHandler(),
    ForgetHelpHandler(),
    ForgetOtherHandler(),
    SkillDisabledHandler(),
]
