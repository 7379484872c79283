"""The safety net: "we need help", "we keep fighting", "I don't feel safe at home".

Answers calmly from anywhere, inside any flow, and leaves the flow as it was (so the
couple can carry on, or hear it again with "repeat"). The skill is not therapy: it
points to a couples counsellor and, where safety may be at risk, to the national
hotline of the household's locale. Only en-US has checked numbers (the National
Domestic Violence Hotline and 988); every other locale hears a general suggestion to
contact local emergency services or a local helpline, never an invented number.
It stores nothing, sends no card (a card in the Alexa app could be seen by someone
else) and never offers to call anyone.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..turn import Turn, intent_is

# Locales whose helpline numbers have been checked; the key names the speech sentence.
HOTLINE_LOCALES = {"en-US": "safety.answer.us"}


def answer_key(locale: str | None) -> str:
    return HOTLINE_LOCALES.get(locale or "", "safety.answer.general")


class SafetyHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "SafetyIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.offer(None)
        return turn.ask(turn.say(answer_key(getattr(turn.request, "locale", None))), turn.say("safety.reprompt"))


HANDLERS = [SafetyHandler()]
