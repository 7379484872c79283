""""How are we doing?": a short, encouraging summary of the couple's weeks.

The numbers come from :mod:`skill.progress` (pure); this handler only speaks them and
offers a check-in ("yes" is answered by the check-in module), or, when the couple has
checked in this week already, a question to talk about (answered by the questions module).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import progress
from ..turn import Turn, intent_is
from . import questions
from .checkin import START_OFFER


class ProgressHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "ProgressIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        summary = progress.summarise(turn.record, turn.household.today())
        spoken = " ".join(turn.say(key, **values) for key, values in progress.sentences(summary))
        turn.end_flow()
        if summary.checkins_week:
            turn.offer(questions.OFFER)
            return turn.ask(f"{spoken} {turn.say('progress.offer_question')}", turn.say("progress.question_reprompt"))
        turn.offer(START_OFFER)
        return turn.ask(f"{spoken} {turn.say('progress.offer')}", turn.say("progress.offer_reprompt"))


HANDLERS = [ProgressHandler()]
