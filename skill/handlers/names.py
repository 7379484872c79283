"""The couple's names, and who answers first.

Names are the one personal thing the skill keeps, because the couple gives them to be
addressed: ``record["names"]`` is an lww ``["Sam", "Alex"]`` ("" while unknown), and
``record["voices"]`` maps a recognised voice profile (personId) to partner "a" or "b".
Alexa speaks a recognised speaker's own name with ``<alexa:name/>``; everyone else is
addressed by the name they gave, or, with no names at all, as "one of you".
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from .. import state
from ..speech import plain
from ..turn import Turn, flow_is, intent_is, session_attributes

FLOW = "names"
SLOTS = ("a", "b")
# The intents whose name slot the skill may ask for (they are in the dialog model).
ASKABLE = ("CallMeIntent", "PartnerNameIntent")
MAX_NAME = 30
_NOT_NAME = re.compile(r"[^\w\s'\-]|[\d_]")


@lru_cache(maxsize=None)
def _not_names(locale: str = "en-US") -> frozenset[str]:
    """Words Alexa's first-name slot happily takes ("I'm tired") that are no one's name."""
    data = json.loads((Path(__file__).resolve().parents[1] / "content" / "not_names.json").read_text())
    return frozenset(data.get(locale) or data["en-US"])


def clean_name(raw: str | None) -> str:
    """Letters, spaces, hyphens and apostrophes only; at most 30 characters; Title Case.
    Empty when nothing name-like is left (so the skill asks again)."""
    if not raw:
        return ""
    text = _NOT_NAME.sub("", raw.replace("\u2019", "'"))
    text = re.sub(r"\s+", " ", text).strip(" -'")[:MAX_NAME].strip(" -'")
    if any(word in _not_names() for word in text.lower().split()):
        return ""
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


def _ask_for_name(turn: Turn, intent: str, speech: str, reprompt: str):
    """Ask for one name and let Alexa hear a bare "Alex" as the answer: Dialog.ElicitSlot
    on ``intent``'s name slot (the dialog model lists both name intents)."""
    turn.start_flow(FLOW, asked=intent)
    elicit = ElicitSlotDirective(
        updated_intent=Intent(
            name=intent,
            confirmation_status=IntentConfirmationStatus.NONE,
            slots={"name": Slot(name="name", confirmation_status=SlotConfirmationStatus.NONE)},
        ),
        slot_to_elicit="name",
    )
    return turn.ask(speech, reprompt, directives=[elicit])


def _speaker_slot(turn: Turn) -> str | None:
    """The partner ("a"/"b") whose voice is speaking, when Alexa recognised it before."""
    person = turn.person_id
    return (turn.record.get("voices") or {}).get(person) if person else None


def _link_voice(turn: Turn, slot: str) -> None:
    person = turn.person_id
    voices = turn.record.setdefault("voices", {})
    if not person or person in voices or slot in voices.values():
        return
    voices[person] = slot
    turn.household.changed()


def _after_a_name(turn: Turn, pair: list[str], named: str, own: bool):
    """Both names known: offer a question; otherwise ask for the missing one."""
    if "" not in pair:
        return _offer_question(turn, turn.say("names.both", first=plain(pair[0]), second=plain(pair[1])))
    if own:
        speech, reprompt = turn.say("names.ask_partner", name=plain(named)), turn.say("names.partner_reprompt")
        return _ask_for_name(turn, "PartnerNameIntent", speech, reprompt)
    speech, reprompt = turn.say("names.ask_own", name=plain(named)), turn.say("names.own_reprompt")
    return _ask_for_name(turn, "CallMeIntent", speech, reprompt)


class SetNamesHandler(AbstractRequestHandler):
    """"Our names are Sam and Alex"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SetNamesIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        first, second = clean_name(turn.slot("firstName")), clean_name(turn.slot("secondName"))
        if first and first == second:  # two people with one name: turns go without names
            if any(names(turn.record)):
                _set_names(turn, ["", ""])
            return _offer_question(turn, turn.say("names.same", name=plain(first)))
        if not first or not second:
            turn.start_flow(FLOW)
            return turn.ask(turn.say("names.unclear_pair"), turn.say("names.unclear_reprompt"))
        _set_names(turn, [first, second])
        return _offer_question(turn, turn.say("names.set", first=plain(first), second=plain(second)))


class CallMeHandler(AbstractRequestHandler):
    """"Call me Sam": the speaker's own name. A name already known says who is speaking;
    a recognised voice renames its own partner entry; otherwise the name fills the first
    missing one. A recognised voice is linked to the partner it named, once."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "CallMeIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        name = clean_name(turn.slot("name"))
        if not name:
            return _ask_for_name(turn, "CallMeIntent", turn.say("names.unclear"), turn.say("names.own_reprompt"))
        pair = names(turn.record)
        speaker = _speaker_slot(turn)
        if name in pair:
            slot = SLOTS[pair.index(name)]
        elif speaker:
            slot = speaker
        elif "" in pair:
            slot = SLOTS[pair.index("")]
        else:
            return _already(turn, pair)
        if pair[SLOTS.index(slot)] != name:
            pair[SLOTS.index(slot)] = name
            _set_names(turn, pair)
        _link_voice(turn, slot)
        return _after_a_name(turn, pair, name, own=True)


class PartnerNameHandler(AbstractRequestHandler):
    """"My partner is Alex": the other partner's name, so the speaker is the one left
    (the first name stays free for the speaker; a recognised voice is linked to it)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "PartnerNameIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        name = clean_name(turn.slot("name"))
        if not name:
            return _ask_for_name(
                turn, "PartnerNameIntent", turn.say("names.unclear_partner"), turn.say("names.partner_reprompt")
            )
        pair = names(turn.record)
        speaker = _speaker_slot(turn)
        if name in pair:
            partner = SLOTS[pair.index(name)]
        elif speaker:
            partner = _other(speaker)
        elif "" in pair:
            partner = "b" if pair[1] == "" else "a"
        else:
            return _already(turn, pair)
        if pair[SLOTS.index(partner)] != name:
            pair[SLOTS.index(partner)] = name
            _set_names(turn, pair)
        if speaker != partner:
            _link_voice(turn, _other(partner))
        return _after_a_name(turn, pair, name, own=False)


class AskedForANameHandler(AbstractRequestHandler):
    """Help, or nothing like a name, while a name is being asked for: say so and ask
    for it again (so a bare name still counts as the answer)."""

    def can_handle(self, handler_input):
        return (
            intent_is(handler_input, "AMAZON.FallbackIntent", "AMAZON.HelpIntent")
            and flow_is(handler_input, FLOW)
            and session_attributes(handler_input)["flow"].get("asked") in ASKABLE
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        asked = turn.flow["asked"]
        reprompt = turn.say("names.partner_reprompt" if asked == "PartnerNameIntent" else "names.own_reprompt")
        opening = turn.say("names.help_asked" if intent_is(handler_input, "AMAZON.HelpIntent") else "fallback.names")
        return _ask_for_name(turn, asked, f"{opening} {reprompt}", reprompt)


class WhoAreWeHandler(AbstractRequestHandler):
    """"What are our names?": what the skill knows, and a way to add what it doesn't."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "WhoAreWeIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        pair = names(turn.record)
        if "" not in pair:
            return _offer_question(turn, turn.say("names.known", first=plain(pair[0]), second=plain(pair[1])))
        known = next((n for n in pair if n), "")
        if known:
            return _ask_for_name(
                turn,
                "PartnerNameIntent" if pair[0] else "CallMeIntent",
                turn.say("names.known_one", name=plain(known)),
                turn.say("names.missing_reprompt"),
            )
        return _ask_for_name(turn, "CallMeIntent", turn.say("names.unknown"), turn.say("names.own_reprompt"))


class ForgetNamesHandler(AbstractRequestHandler):
    """"Forget our names": names and voice links go; everything else stays."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "ForgetNamesIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        _set_names(turn, ["", ""])
        turn.record["voices"] = {}
        return _offer_question(turn, turn.say("names.forgotten"))


def _already(turn: Turn, pair: list[str]):
    turn.end_flow()
    turn.offer("question")
    return turn.ask(
        turn.say("names.already", first=plain(pair[0]), second=plain(pair[1])), turn.say("names.offer_reprompt")
    )


HANDLERS = [
    SetNamesHandler(),
    CallMeHandler(),
    PartnerNameHandler(),
    AskedForANameHandler(),
    WhoAreWeHandler(),
    ForgetNamesHandler(),
]
