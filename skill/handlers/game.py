"""The appreciation game: the partners take turns naming something they appreciate.

Four turns, two each, alternating; who starts alternates from game to game. The game
lives in the session flow "game" (``id``, ``turn``, ``first``). Whatever a partner says
to the other is heard by Alexa as no intent in particular (AMAZON.FallbackIntent), or
now and then as one of ours by accident ("I'm grateful" sounds like "I'm <name>", "she's
amazing" like "she's <name>", "I'd give you a ten" like a rating): inside the game all
of that simply completes the turn, and so do "next", "done", "go on" and "skip". A "no"
is "not yet", and a "thank you" is the listener's answer, not a turn: the turn is asked
again. Nothing said is kept; a finished game is recorded as
``record["games_done"][id] = date``.
"""

from __future__ import annotations

import uuid

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..speech import plain
from ..turn import Turn, flow_is, intent_is, intent_name, request_type
from .names import names

FLOW = "game"
TURNS = 4
# Requests that leave the game for something else; any other intent of ours heard
# during the game is what a partner said to the other.
LEAVE_GAME = ("AskQuestionIntent", "TipOfTheDayIntent")
# The listener thanking the other: not a turn of their own.
THANKS = "ThanksIntent"


def _prompt(turn: Turn, index: int, first: int) -> str:
    position = "first" if index == 0 else "last" if index == TURNS - 1 else "middle"
    a, b = names(turn.record)
    if not (a and b):
        return turn.say(f"game.turn.{position}.anon")
    pair = (plain(a), plain(b))
    speaker = (first + index) % 2
    return turn.say(f"game.turn.{position}.named", speaker=pair[speaker], listener=pair[1 - speaker])


def _play(turn: Turn, index: int, opening: str = ""):
    flow = turn.flow
    turn.update_flow(turn=index)
    speech = " ".join(part for part in (opening, _prompt(turn, index, flow.get("first", 0))) if part)
    return turn.ask(speech, turn.say("game.reprompt"))


def _advance(turn: Turn, opening: str = ""):
    index = int(turn.flow.get("turn", 0)) + 1
    if index < TURNS:
        return _play(turn, index, opening)
    game_id = turn.flow.get("id") or uuid.uuid4().hex
    turn.record.setdefault("games_done", {}).setdefault(game_id, turn.household.today())
    turn.household.changed()
    turn.end_flow()
    return turn.tell(" ".join(part for part in (opening, turn.say("game.end")) if part))


class StartGameHandler(AbstractRequestHandler):
    """"Let's play the appreciation game"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AppreciationGameIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.offer(None)
        first = len(turn.record.get("games_done") or {}) % 2
        turn.start_flow(FLOW, id=uuid.uuid4().hex, turn=0, first=first)
        return _play(turn, 0, turn.say("game.intro"))


class NextTurnHandler(AbstractRequestHandler):
    """"Next", "done", "skip", "yes", "go on", "another one": over to the other partner
    (or the end)."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(
            handler_input, "AMAZON.NextIntent", "SkipIntent", "AMAZON.YesIntent", "AMAZON.ResumeIntent",
            "AnotherQuestionIntent",
        )

    def handle(self, handler_input):
        return _advance(Turn(handler_input))


class HeardTurnHandler(AbstractRequestHandler):
    """What a partner said to the other reaches Alexa as no intent, or as one of ours by
    accident (never a built-in, never a request to leave the game): that was the turn."""

    def can_handle(self, handler_input):
        if not flow_is(handler_input, FLOW) or request_type(handler_input) != "IntentRequest":
            return False
        name = intent_name(handler_input) or ""
        return name == "AMAZON.FallbackIntent" or not (name.startswith("AMAZON.") or name in LEAVE_GAME + (THANKS,))

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return _advance(turn, turn.say("game.heard"))


class PreviousTurnHandler(AbstractRequestHandler):
    """"Go back": the turn before."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "AMAZON.PreviousIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        index = int(turn.flow.get("turn", 0))
        if index == 0:
            return _play(turn, 0, turn.say("game.first_turn"))
        return _play(turn, index - 1, turn.say("game.back"))


class NotYetTurnHandler(AbstractRequestHandler):
    """A "no" during a turn: no hurry. A "thank you": the same turn is asked again."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "AMAZON.NoIntent", THANKS)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if intent_is(handler_input, THANKS):
            return _play(turn, int(turn.flow.get("turn", 0)))
        return turn.ask(turn.say("game.not_yet"), turn.say("game.reprompt"))


HANDLERS = [StartGameHandler(), NextTurnHandler(), HeardTurnHandler(), PreviousTurnHandler(), NotYetTurnHandler()]
