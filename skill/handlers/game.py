"""The appreciation game: the partners take turns naming something they appreciate.

Four turns, two each, alternating; who starts alternates from game to game. The game
lives in the session flow "game" (``id``, ``turn``, ``first``). Whatever a partner says
to the other is heard by Alexa as no intent in particular (AMAZON.FallbackIntent):
inside the game that simply completes the turn, and so do "next", "done" and "skip".
Nothing said is kept; a finished game is recorded as ``record["games_done"][id] = date``.
"""

from __future__ import annotations

import uuid

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from ..speech import plain
from ..turn import Turn, flow_is, intent_is
from .names import names

FLOW = "game"
TURNS = 4


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
    """"Next", "done", "skip", "yes": over to the other partner (or the end)."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(
            handler_input, "AMAZON.NextIntent", "SkipIntent", "AMAZON.YesIntent"
        )

    def handle(self, handler_input):
        return _advance(Turn(handler_input))


class HeardTurnHandler(AbstractRequestHandler):
    """What a partner said to the other reaches Alexa as no intent: that was the turn."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "AMAZON.FallbackIntent")

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


HANDLERS = [StartGameHandler(), NextTurnHandler(), HeardTurnHandler(), PreviousTurnHandler()]
