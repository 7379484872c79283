"""The weekly check-in: two ratings by voice, then a short guided talk.

Each partner rates, one after the other, how connected they have felt this week (1 to
10, or skip). The ratings keep the session open (a number is a quick answer); the
talking prompts that follow end the session, because a talk lasts minutes and an
open microphone would hear it: each prompt closes with how to go on ("Alexa, ask
heart to heart to go on"), like the ritual.

Stored: the check-in in progress in ``record["checkin"]`` (lww ``{"id", "step",
"ratings"}``, so it resumes the same evening: less than 6 hours since it last moved)
and, once both have rated, ``record["checkins"][id] = {"date", "ratings": [a, b]}``.
Nothing the couple says is stored.
"""

from __future__ import annotations

import re

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import state
from ..speech import plain
from ..turn import Turn, flow_is, intent_is, offer_is

FLOW = "checkin"
START_OFFER = "checkin"
RESUME_OFFER = "checkin_resume"
RATING_STEPS = ("rate_a", "rate_b")
TALK_STEPS = ("well", "attention", "wish", "appreciation")
LOW_RATING = 3
_WHOLE = re.compile(r"-?\d{1,6}")
_DECIMAL = re.compile(r"-?\d{1,6}[.,]\d+")
# Heard while a rating is asked: re-asked kindly, nothing recorded. "Next" is among
# them: "go ahead" or "ready" between partners must not throw a rating away (skip does).
NOT_A_RATING = ("AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.NextIntent")
# One-shots after a talking prompt ("Alexa, ask heart to heart to repeat that").
ONE_SHOTS = ("AMAZON.NextIntent", "SkipIntent", "AMAZON.RepeatIntent", "AMAZON.PreviousIntent")


# ---- state ----------------------------------------------------------------------------
def in_progress(turn: Turn) -> dict | None:
    """Tonight's unfinished check-in, if it moved less than 6 hours ago."""
    register = turn.record.get("checkin")
    progress = state.lww_value(register)
    if not isinstance(progress, dict) or progress.get("step") not in RATING_STEPS + TALK_STEPS:
        return None
    if not state.same_evening(register["ts"], turn.household.now_ms()):
        return None
    return progress


def _save(turn: Turn, progress: dict | None) -> None:
    turn.record["checkin"] = state.lww(progress, turn.household.now_ms())
    turn.household.changed()


def _names(turn: Turn) -> list[str]:
    value = state.lww_value(turn.record.get("names"))
    if isinstance(value, list) and len(value) == 2 and all(value):
        return [plain(str(n)) for n in value]
    return []


def _rating(turn: Turn) -> tuple[int | None, str | None]:
    """(rating, None) or (None, why not): "missing", "not_number", "not_whole", "out_of_range"."""
    raw = turn.slot("rating")
    if raw is None:
        return None, "missing"
    if _DECIMAL.fullmatch(raw):
        return None, "not_whole"
    if not _WHOLE.fullmatch(raw):
        return None, "not_number"
    value = int(raw)
    return (value, None) if 1 <= value <= 10 else (None, "out_of_range")


# ---- speaking -------------------------------------------------------------------------
def _who(turn: Turn, step: str) -> dict:
    names = _names(turn)
    if not names:
        return {}
    me, other = (0, 1) if step == "rate_a" else (1, 0)
    return {"name": names[me], "other": names[other]}


def _say_who(turn: Turn, key: str, step: str) -> str:
    who = _who(turn, step)
    return turn.say(f"{key}.{'named' if who else 'anon'}.{step}", **who)


def _ask_rating(turn: Turn, progress: dict, opening: str = "", *, reask: str | None = None):
    step = progress["step"]
    turn.start_flow(FLOW, **progress)
    turn.offer(None)
    question = _say_who(turn, "checkin.ask" if reask else "checkin.rate", step)
    speech = " ".join(part for part in (opening, turn.say(f"checkin.bad.{reask}") if reask else "", question) if part)
    return turn.ask(speech, _say_who(turn, "checkin.reprompt", step))


def _talk(turn: Turn, progress: dict, opening: str = ""):
    """Speak the next talking prompt and end the session; the last one closes the check-in."""
    step = progress["step"]
    later = TALK_STEPS.index(step) + 1
    _save(turn, {**progress, "step": TALK_STEPS[later]} if later < len(TALK_STEPS) else None)
    turn.end_flow()
    turn.offer(None)
    parts = [opening, turn.say(f"checkin.talk.{step}")]
    if later < len(TALK_STEPS):
        parts.append(turn.say("checkin.go_on"))
    return turn.tell(" ".join(part for part in parts if part))


def _continue(turn: Turn, progress: dict, opening: str = ""):
    if progress["step"] in RATING_STEPS:
        _save(turn, progress)  # picked up again: "last moved" is now
        return _ask_rating(turn, progress, opening)
    return _talk(turn, progress, opening)


def _rated(turn: Turn, progress: dict, rating: int | None):
    ratings = list(progress.get("ratings") or [None, None])
    ratings[RATING_STEPS.index(progress["step"])] = rating
    skipped = turn.say("checkin.skipped") if rating is None else ""
    if progress["step"] == "rate_a":
        progress = {**progress, "step": "rate_b", "ratings": ratings}
        _save(turn, progress)
        return _ask_rating(turn, progress, skipped or turn.say("checkin.thanks"))
    turn.record.setdefault("checkins", {})[progress["id"]] = {"date": turn.household.today(), "ratings": ratings}
    parts = [skipped, turn.say("checkin.rated")]
    if all(r is not None and r <= LOW_RATING for r in ratings):
        parts.append(turn.say("checkin.support"))
    return _talk(turn, {**progress, "step": "well", "ratings": ratings}, " ".join(p for p in parts if p))


def _new(turn: Turn) -> dict:
    progress = {"id": str(turn.household.now_ms()), "step": "rate_a", "ratings": [None, None]}
    _save(turn, progress)
    return progress


def _flow_progress(turn: Turn) -> dict:
    """The check-in this session is rating (the session flow only lives while rating)."""
    progress = {k: v for k, v in turn.flow.items() if k != "name"}
    if progress.get("step") in RATING_STEPS and progress.get("id"):
        return progress
    return in_progress(turn) or _new(turn)


# ---- handlers -------------------------------------------------------------------------
class StartCheckInHandler(AbstractRequestHandler):
    """"Let's do a check-in" (or "yes" to the offer of one): picks up tonight's
    unfinished check-in, otherwise starts a new one."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "CheckInIntent") or (
            intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, START_OFFER)
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        progress = in_progress(turn)
        if progress:
            return _continue(turn, progress, turn.say("checkin.picking_up"))
        return _ask_rating(turn, _new(turn), turn.say("checkin.intro"))


class ResumeCheckInHandler(AbstractRequestHandler):
    """"Go on" (a one-shot after a talking prompt, or while rating) picks up tonight's
    check-in directly, as does "yes" to launch's offer. A bare "go on" with no check-in
    tonight, or with an evening ritual that moved more recently, is passed on."""

    def can_handle(self, handler_input):
        if offer_is(handler_input, RESUME_OFFER):
            return intent_is(handler_input, "AMAZON.YesIntent", "AMAZON.ResumeIntent")
        return intent_is(handler_input, "AMAZON.ResumeIntent") and flow_is(handler_input, None, FLOW) and offer_is(
            handler_input, None
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if flow_is(handler_input, FLOW):  # "go on" while rating: ask again
            return _continue(turn, _flow_progress(turn))
        progress = in_progress(turn)
        if offer_is(handler_input, RESUME_OFFER):
            if progress:
                return _continue(turn, progress)
            turn.offer(None)
            return turn.ask(turn.say("checkin.nothing_to_resume"), turn.say("menu.reprompt"))
        if progress and not _ritual_is_newer(turn):
            return _continue(turn, progress)
        return _pass_on(handler_input, self)


def _ritual_is_newer(turn: Turn) -> bool:
    ritual = turn.record.get("ritual") or {}
    return ritual.get("value") is not None and ritual.get("ts", 0) > turn.record["checkin"]["ts"]


def _pass_on(handler_input, me):
    """Answer as the first handler after ``me`` that would."""
    from . import request_handlers

    handlers = request_handlers()
    later = handlers[next(i for i, h in enumerate(handlers) if h is me) + 1 :]
    return next(h for h in later if h.can_handle(handler_input)).handle(handler_input)


class RatingHandler(AbstractRequestHandler):
    """A rating, or something that isn't one (fallback, "?", "42", "7.5", "yes", nothing):
    re-asked kindly."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "RatingIntent", *NOT_A_RATING)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        progress = _flow_progress(turn)
        if progress["step"] not in RATING_STEPS:
            return _continue(turn, progress)
        if not intent_is(handler_input, "RatingIntent"):
            rating, problem = None, "missing"
        else:
            rating, problem = _rating(turn)
        if problem:
            return _ask_rating(turn, progress, reask=problem)
        return _rated(turn, progress, rating)


class SkipRatingHandler(AbstractRequestHandler):
    """"Skip" ("I'll pass") during the ratings: that rating is stored as null."""

    def can_handle(self, handler_input):
        return flow_is(handler_input, FLOW) and intent_is(handler_input, "SkipIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        progress = _flow_progress(turn)
        if progress["step"] not in RATING_STEPS:
            return _continue(turn, progress)
        return _rated(turn, progress, None)


class BackRatingHandler(AbstractRequestHandler):
    """"Go back" at the second rating asks the first partner again; at the first, it
    stays there (the check-in is not left by accident)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.PreviousIntent") and flow_is(handler_input, FLOW)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        progress = _flow_progress(turn)
        if progress["step"] != "rate_b":
            return _ask_rating(turn, progress, turn.say("checkin.first_rating"))
        progress = {**progress, "step": "rate_a"}
        _save(turn, progress)
        return _ask_rating(turn, progress, turn.say("checkin.back"))


def _fresh_session(handler_input) -> bool:
    """A new session with nothing going on: "Alexa, ask heart to heart to repeat that"."""
    session = handler_input.request_envelope.session
    return bool(getattr(session, "new", False)) and flow_is(handler_input, None) and offer_is(handler_input, None)


class OneShotTalkHandler(AbstractRequestHandler):
    """After a talking prompt ended the session: "repeat that" says it again, "next" or
    "skip" goes on, "go back" says the one before, while tonight's check-in is what the
    couple did last (an evening ritual left more recently keeps these words)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, *ONE_SHOTS) and _fresh_session(handler_input)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        progress = in_progress(turn)
        if not progress or _ritual_is_newer(turn):
            return _pass_on(handler_input, self)
        if progress["step"] in RATING_STEPS:
            return _continue(turn, progress)
        upcoming = TALK_STEPS.index(progress["step"])  # the prompt after the one spoken last
        if intent_is(handler_input, "AMAZON.NextIntent", "SkipIntent"):
            return _talk(turn, progress)
        if intent_is(handler_input, "AMAZON.RepeatIntent"):
            return _talk(turn, {**progress, "step": TALK_STEPS[upcoming - 1]})
        back = max(upcoming - 2, 0)
        opening = turn.say("checkin.back_talk" if upcoming >= 2 else "checkin.first_talk")
        return _talk(turn, {**progress, "step": TALK_STEPS[back]}, opening)


def resume_offer(turn: Turn):
    """Launch and "go on" offer tonight's unfinished check-in, unless tonight's evening
    ritual moved more recently (then the ritual offers itself, as "go on" would go on
    with it)."""
    if not in_progress(turn):
        return None
    if _ritual_is_newer(turn):
        from .ritual import current

        if current(turn) is not None:
            return None
    return turn.say("checkin.resume_offer"), RESUME_OFFER


HANDLERS = [
    StartCheckInHandler(),
    ResumeCheckInHandler(),
    RatingHandler(),
    SkipRatingHandler(),
    BackRatingHandler(),
    OneShotTalkHandler(),
]
