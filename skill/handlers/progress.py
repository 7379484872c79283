""""How are we doing?": a short, encouraging summary of the couple's weeks.

The numbers come from :mod:`skill.progress` (pure); this handler only speaks them and
offers a check-in ("yes" is answered by the check-in module).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import progress
from ..turn import Turn, intent_is
from .checkin import START_OFFER


class ProgressHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "ProgressIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        summary = progress.summarise(turn.record, turn.household.today())
        spoken = " ".join(turn.say(key, **values) for key, values in progress.sentences(summary))
        turn.end_flow()
        turn.offer(START_OFFER)
        return turn.ask(f"{spoken} {turn.say('progress.offer')}", turn.say("progress.offer_reprompt"))


HANDLERS = [ProgressHandler()]
