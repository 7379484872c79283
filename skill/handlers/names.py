"""The couple's names, and who answers first.

Names are the one personal thing the skill keeps, because the couple gives them to be
addressed: ``record["names"]`` is an lww ``["Sam", "Alex"]`` ("" while unknown), and
``record["voices"]`` maps a recognised voice profile (personId) to partner "a" or "b".
Alexa speaks a recognised speaker's own name with ``<alexa:name/>``; everyone else is
addressed by the name they gave, or, with no names at all, as "one of you".
"""

from __future__ import annotations

import re

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import state
from ..speech import plain
from ..turn import Turn, intent_is

FLOW = "names"
SLOTS = ("a", "b")
MAX_NAME = 30
_NOT_NAME = re.compile(r"[^\w\s'\-]|[\d_]")


def clean_name(raw: str | None) -> str:
    """Letters, spaces, hyphens and apostrophes only; at most 30 characters; Title Case."""
    if not raw:
        return ""
    text = _NOT_NAME.sub("", raw.replace("\u2019", "'"))
    text = re.sub(r"\s+", " ", text).strip(" -'")[:MAX_NAME].strip(" -'")
    return text.title()


def names(record: dict) -> list[str]:
    value = state.lww_value(record.get("names"), None)
    if not isinstance(value, list) or len(value) != 2:
        return ["", ""]
    return [str(n or "") for n in value]


def _set_names(turn: Turn, pair: list[str]) -> None:
    turn.record["names"] = state.lww(pair, turn.household.now_ms())
    turn.household.changed()


def _other(slot: str) -> str:
    return "b" if slot == "a" else "a"


def _alexa_name(person_id: str) -> str:
    return f'<alexa:name type="first" personId="{plain(person_id)}"/>'


def who_goes_first(turn: Turn, heard_total: int) -> str:
    """The sentence saying who answers first, alternating with the household's count
    of questions heard (so it survives sessions and merges between devices)."""
    first = "a" if heard_total % 2 == 1 else "b"
    known = dict(zip(SLOTS, names(turn.record)))
    person = turn.person_id
    speaker = (turn.record.get("voices") or {}).get(person) if person else None
    if person and speaker is None and not any(known.values()):
        speaker = "a"  # an unnamed, unlinked voice: alternate around that speaker

    def spoken(slot: str) -> str | None:
        if person and speaker == slot:
            return _alexa_name(person)
        return plain(known[slot]) if known[slot] else None

    if spoken(first):
        return turn.say("ask.first.you", name=spoken(first))
    if spoken(_other(first)):
        return turn.say("ask.first.partner", name=spoken(_other(first)))
    return turn.say("ask.first.anyone" if first == "a" else "ask.first.other")


def _offer_question(turn: Turn, speech: str):
    turn.end_flow()
    turn.offer("question")
    return turn.ask(speech, turn.say("names.offer_reprompt"))


class SetNamesHandler(AbstractRequestHandler):
    """"Our names are Sam and Alex"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SetNamesIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        first, second = clean_name(turn.slot("firstName")), clean_name(turn.slot("secondName"))
        if not first or not second or first == second:
            turn.start_flow(FLOW)
            return turn.ask(turn.say("names.unclear_pair"), turn.say("names.unclear_reprompt"))
        _set_names(turn, [first, second])
        return _offer_question(turn, turn.say("names.set", first=plain(first), second=plain(second)))


class CallMeHandler(AbstractRequestHandler):
    """"Call me Sam" (and "my partner is Alex"): fills the first missing name. A
    recognised voice is linked to the partner it named, unless it is linked already."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "CallMeIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        name = clean_name(turn.slot("name"))
        if not name:
            turn.start_flow(FLOW)
            return turn.ask(turn.say("names.unclear"), turn.say("names.unclear_reprompt"))
        pair = names(turn.record)
        if name in pair:
            slot = SLOTS[pair.index(name)]
        elif "" in pair:
            slot = SLOTS[pair.index("")]
            pair[SLOTS.index(slot)] = name
            _set_names(turn, pair)
        else:
            turn.end_flow()
            return turn.ask(
                turn.say("names.already", first=plain(pair[0]), second=plain(pair[1])),
                turn.say("names.offer_reprompt"),
            )
        self._link_voice(turn, slot)
        if "" in pair:
            turn.start_flow(FLOW)
            return turn.ask(turn.say("names.ask_partner", name=plain(name)), turn.say("names.partner_reprompt"))
        return _offer_question(turn, turn.say("names.both", first=plain(pair[0]), second=plain(pair[1])))

    @staticmethod
    def _link_voice(turn: Turn, slot: str) -> None:
        person = turn.person_id
        voices = turn.record.setdefault("voices", {})
        if not person or person in voices or slot in voices.values():
            return
        voices[person] = slot
        turn.household.changed()


HANDLERS = [SetNamesHandler(), CallMeHandler()]
