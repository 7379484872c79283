"""The fifteen tips: a new one each time, one by topic, and a tip of the day.

``record["seen_tips"]`` counts hearings with the same no-repeat rule as the questions
(:func:`skill.deck.pick`). The session flow "tip" keeps the tip just heard, so
"another one" or "next" right after a tip gives another tip.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import deck
from ..apl import text_directives
from ..speech import plain
from ..turn import Turn, flow_is, intent_is
from .questions import ask_question

FLOW = "tip"


def _tell_tip(turn: Turn, tip_id: str, opening: list[str], *, screen_title: str | None = None):
    tip = deck.tips()[tip_id]
    deck.mark_heard(turn.record.setdefault("seen_tips", {}), tip_id)
    turn.household.changed()
    turn.start_flow(FLOW, tip=tip_id)
    turn.offer(None)
    speech = " ".join([*[part for part in opening if part], plain(tip.text)])
    title = screen_title or tip.title[:1].upper() + tip.title[1:]
    directives = text_directives(turn, title, tip.text, turn.say("tip.screen.hint"))
    return turn.ask(speech, turn.say("tip.reprompt"), directives=directives)


def next_tip(turn: Turn, opening: str = ""):
    """A tip the household has not heard in this round of fifteen."""
    avoid = turn.flow.get("tip") if flow_is(turn.handler_input, FLOW) else None
    chosen = deck.pick(deck.tips(), turn.record.get("seen_tips") or {}, turn.household.household_id, avoid=avoid)
    title = deck.tips()[chosen.id].title
    parts = [opening, turn.say("tip.restart") if chosen.restarted else "", turn.say("tip.intro", title=plain(title))]
    return _tell_tip(turn, chosen.id, parts)


class TipHandler(AbstractRequestHandler):
    """"Give us a tip", "tell us about listening"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "TipIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        spoken = turn.slot("topic")
        if not spoken and not turn.slot_id("topic"):
            return next_tip(turn)
        tip_id = deck.resolve_tip(turn.slot_id("topic"), spoken)
        if tip_id is None:
            # "Tell us about our childhood", "what about something deep": a question's theme.
            theme, depth = deck.resolve_theme(None, spoken), deck.resolve_depth(None, spoken)
            if theme or depth:
                return ask_question(turn, theme, depth)
            return next_tip(turn, turn.say("tip.unknown_topic"))
        title = deck.tips()[tip_id].title
        return _tell_tip(turn, tip_id, [turn.say("tip.intro", title=plain(title))])


class TipOfTheDayHandler(AbstractRequestHandler):
    """The same tip all day for a household; tomorrow another."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "TipOfTheDayIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        tip_id = deck.tip_of_the_day(turn.household.household_id, turn.household.today())
        title = deck.tips()[tip_id].title
        return _tell_tip(
            turn, tip_id, [turn.say("tip.intro_day", title=plain(title))], screen_title=turn.say("tip.screen.day")
        )


class AnotherTipHandler(AbstractRequestHandler):
    """"Another one", "next" or "skip" right after a tip."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(
            handler_input, "AnotherQuestionIntent", "AMAZON.NextIntent", "SkipIntent"
        )

    def handle(self, handler_input):
        return next_tip(Turn(handler_input))


HANDLERS = [TipHandler(), TipOfTheDayHandler(), AnotherTipHandler()]
