"""The evening ritual: guided steps, resumable across sessions, hands-free.

Steps, lengths and the "same evening" rule are in :mod:`skill.ritual_steps`. Where the
couple are is saved in ``record["ritual"]`` every time a step is spoken, so it survives
the session: a talking step says how to come back and ends the session, and "go on"
(or opening the skill again the same evening) picks up at the next step.

Navigation inside the ritual: "next" / "yes" / "go on" move on, "skip this step" moves
on too, "go back", "repeat that" and "start over" work in the session and also as
one-shots in a new session ("Alexa, ask heart to heart to go back") while a ritual is
open tonight; help, fallback, stop, cancel and pause are the built-ins, speaking this
flow's sentences.

Timers: at the first talking step the skill tries to set an Alexa timer; when the
permission is missing (401/403) it offers to ask for it, once, and remembers the answer
for the evening (in the session, and with tonight's ritual once a talk begins). Without
a timer the ritual is exactly the same.
"""

from __future__ import annotations

import uuid

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import deck, state, timers
from .. import ritual_steps as steps
from ..apl import text_directives
from ..speech import plain
from ..turn import Turn, flow_is, intent_is, offer_is, session_flow
from . import builtins, questions
from .names import names

FLOW = "ritual"
RESUME_OFFER = "ritual.resume"
START_OFFER = "ritual.start"
TIMER_OFFER = "ritual.timers"
TIMER_TOKEN = "ritual:timers"
# The couple's timer answer, kept in the session flow.
GRANTED, DECLINED, ASKED = "granted", "declined", "asked"


# ---- can_handle helpers (request and session only) --------------------------------------
def _in_ritual(handler_input) -> bool:
    return flow_is(handler_input, FLOW) or offer_is(handler_input, RESUME_OFFER)


def _one_shot(handler_input) -> bool:
    """A fresh session with nothing going on: "Alexa, ask heart to heart to go back"."""
    session = handler_input.request_envelope.session
    fresh = bool(getattr(session, "new", False))
    return fresh and session_flow(handler_input) is None and offer_is(handler_input, None)


# ---- the record ---------------------------------------------------------------------------
def current(turn: Turn) -> dict | None:
    """Tonight's unfinished ritual, if there is one (see ``ritual_steps.resumable``)."""
    ritual = state.lww_value(turn.record.get("ritual"))
    return ritual if steps.resumable(ritual, turn.household.now_ms(), turn.record.get("rituals_done")) else None


def _save(turn: Turn, ritual: dict | None) -> None:
    turn.record["ritual"] = state.lww(ritual, turn.household.now_ms())
    turn.household.changed()


def resume_offer(turn: Turn):
    """Launch and "go on" ask about tonight's unfinished ritual."""
    ritual = current(turn)
    if ritual is None:
        return None
    return turn.say("ritual.resume_offer", last=_step_name(turn, ritual, ritual["step"])), RESUME_OFFER


# ---- speech -------------------------------------------------------------------------------
def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _pair(turn: Turn, ritual: dict) -> tuple[str, str] | None:
    """(first, second) teller tonight when both names are known, else None."""
    a, b = names(turn.record)
    if not (a and b):
        return None
    pair = (plain(a), plain(b))
    return pair if steps.first_teller(ritual["id"]) == 0 else (pair[1], pair[0])


def _say(turn: Turn, key: str, ritual: dict, **values) -> str:
    """``key`` itself, or its ``.named`` / ``.anon`` variant when it has them."""
    if not turn.speech.has(f"{key}.named"):
        return turn.say(key, **values)
    pair = _pair(turn, ritual)
    if pair is None:
        return turn.say(f"{key}.anon", **values)
    return turn.say(f"{key}.named", first=pair[0], second=pair[1], **values)


def _step_name(turn: Turn, ritual: dict, step: int) -> str:
    return _say(turn, f"ritual.name.{steps.key(step)}", ritual)


def _with_question(turn: Turn, ritual: dict) -> dict:
    """Tonight's question is picked once per ritual (and counted as heard then)."""
    if ritual.get("question") in deck.deck().questions:
        return ritual
    seen = turn.record.setdefault("seen_questions", {})
    chosen = deck.pick(deck.question_pool(), seen, turn.household.household_id)
    deck.mark_heard(seen, chosen.id)
    total = deck.heard_total(turn.record)
    # So "Alexa, ask heart to heart to save that one" after this step saves tonight's question.
    remembered = {"qid": chosen.id, "theme": None, "depth": None, "favourites": False, "n": total}
    turn.record[questions.LAST_QUESTION] = state.lww(remembered, turn.household.now_ms())
    turn.household.changed()
    return {**ritual, "question": chosen.id, "qn": total}


def _step_text(turn: Turn, ritual: dict, step: int) -> str:
    key = steps.key(step)
    values = {"minutes": steps.minutes(ritual["length"], step)}
    if key == "question":
        values["line"] = questions.question_line(turn, ritual["question"], ritual.get("qn", 0))
    return _say(turn, f"ritual.step.{key}", ritual, **values)


# ---- presenting a step --------------------------------------------------------------------
def present(turn: Turn, ritual: dict, step: int, opening: str = "", *, with_timer: bool = True):
    """Speak ``step`` and save it as where the couple are."""
    step = steps.clamp(step)
    if steps.key(step) == "closing":
        return _finish(turn, ritual, opening)
    if steps.is_talking(step):
        return _present_talk(turn, ritual, step, opening, with_timer)
    ritual = steps.at_step(ritual, step, turn.household.now_ms())
    _save(turn, ritual)
    turn.start_flow(FLOW, timers=_timer_answer(turn, ritual))
    turn.offer(None)
    key = steps.key(step)
    return turn.ask(_join(opening, _step_text(turn, ritual, step)), turn.say(f"ritual.reprompt.{key}"))


def _timer_answer(turn: Turn, ritual: dict) -> str | None:
    """The couple's answer about timers: this session's, else the one kept with tonight's
    ritual (so "go back" to the first talk in a new session does not ask again)."""
    answer = turn.flow.get("timers") if flow_is(turn.handler_input, FLOW) else None
    return answer or ritual.get("timers")


def _present_talk(turn: Turn, ritual: dict, step: int, opening: str, with_timer: bool):
    """A step with minutes of talking: timer if allowed, how to come back, session ends."""
    answer = _timer_answer(turn, ritual)
    minutes = steps.minutes(ritual["length"], step)
    timer_line = ""
    if with_timer and answer in (None, GRANTED):
        outcome = timers.set_timer(
            turn.services, minutes, turn.say("ritual.timer.label"), turn.say("ritual.timer.announce"),
            turn.request.locale or "en-US",
        )
        if outcome == timers.SET:
            timer_line = turn.say("ritual.timer_set", minutes=minutes)
        elif outcome == timers.NO_PERMISSION and answer is None and step == steps.FIRST_TALK:
            turn.start_flow(FLOW, timers=ASKED, pending=step)
            turn.offer(TIMER_OFFER)
            return turn.ask(_join(opening, turn.say("ritual.timer_offer")), turn.say("ritual.timer_offer_reprompt"))
        elif outcome == timers.FAILED and answer == GRANTED:
            timer_line = turn.say("ritual.timer_failed")
    if answer:
        ritual = {**ritual, "timers": answer}
    if steps.key(step) == "question":
        ritual = _with_question(turn, ritual)
    ritual = steps.at_step(ritual, step, turn.household.now_ms())
    _save(turn, ritual)
    turn.end_flow()
    turn.offer(None)
    speech = _join(opening, _step_text(turn, ritual, step), timer_line, turn.say("ritual.come_back"))
    return turn.tell(speech, directives=_screen(turn, ritual, step))


def _screen(turn: Turn, ritual: dict, step: int) -> list:
    """Tonight's question stays readable on a screen while the couple talk."""
    if steps.key(step) != "question":
        return []
    question = deck.deck().questions[ritual["question"]]
    return text_directives(turn, turn.say("ritual.name.question").capitalize(), question.text)


def _finish(turn: Turn, ritual: dict, opening: str):
    """The closing moment: counted once per ritual id, then a rhythm, never a streak."""
    done = turn.record.setdefault("rituals_done", {})
    done.setdefault(ritual["id"], ritual["date"])
    _save(turn, None)
    turn.end_flow()
    turn.offer(None)
    count = min(steps.evenings_this_week(done, turn.household.today()), steps.WEEK_DAYS)
    rhythm = turn.say(f"ritual.rhythm.{count}") if count else ""
    closing = turn.say(f"ritual.step.closing.{ritual['length']}")
    return turn.tell(_join(opening, closing, rhythm, turn.say("ritual.good_night")))


def advance(turn: Turn, ritual: dict, opening: str = ""):
    """On to the next step; while asked about timers, on to the step that was coming."""
    return present(turn, ritual, _pending(turn, ritual), opening)


def _pending(turn: Turn, ritual: dict) -> int:
    pending = _offered_step(turn)
    return ritual["step"] + 1 if pending is None else pending


def _offered_step(turn: Turn) -> int | None:
    """The talking step waiting for the couple's answer about timers, if any."""
    pending = turn.flow.get("pending") if flow_is(turn.handler_input, FLOW) else None
    return pending if isinstance(pending, int) else None


def _welcome_back(turn: Turn) -> str:
    """Said when a new session picks the ritual up (launch's offer said it already). Short:
    a couple says "go on" several times an evening, and knows where they were."""
    if _in_ritual(turn.handler_input):
        return ""
    return turn.say("ritual.welcome_back")


def start(turn: Turn, explicit_length: str | None = None):
    if explicit_length:
        turn.record["ritual_length"] = state.lww(explicit_length, turn.household.now_ms())
        turn.household.changed()
    ongoing = current(turn)
    if ongoing and explicit_length in (None, ongoing["length"]):
        opening = turn.say("ritual.already_started", last=_step_name(turn, ongoing, ongoing["step"]))
        return advance(turn, ongoing, opening)
    length = explicit_length or state.lww_value(turn.record.get("ritual_length"), steps.DEFAULT_LENGTH)
    length = length if length in steps.LENGTHS else steps.DEFAULT_LENGTH
    household = turn.household
    ritual = steps.new_ritual(uuid.uuid4().hex, household.now_ms(), household.today(), length)
    return present(turn, ritual, 0, turn.say(f"ritual.start.{length}"))


def _elsewhere(handler_input, builtin: AbstractRequestHandler):
    """No ritual tonight after all: answer as the built-in would."""
    turn = Turn(handler_input)
    if flow_is(handler_input, FLOW):
        turn.end_flow()
    turn.offer(None)
    return builtin.handle(handler_input)


# ---- handlers -------------------------------------------------------------------------------
class StartRitualHandler(AbstractRequestHandler):
    """"Start our evening ritual", "a quick ritual tonight"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "StartRitualIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        length = turn.slot_id("length")
        return start(turn, length if length in steps.LENGTHS else None)


class YesStartHandler(AbstractRequestHandler):
    """"Yes" to "shall we start a fresh ritual?"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, START_OFFER)

    def handle(self, handler_input):
        return start(Turn(handler_input))


class ResumeRitualHandler(AbstractRequestHandler):
    """"Go on": the next step of tonight's ritual; yesterday's is not resumed."""

    def can_handle(self, handler_input):
        nothing_else = session_flow(handler_input) is None and offer_is(handler_input, None, RESUME_OFFER, START_OFFER)
        return intent_is(handler_input, "AMAZON.ResumeIntent") and (flow_is(handler_input, FLOW) or nothing_else)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual:
            return advance(turn, ritual, _welcome_back(turn))
        if steps.unfinished(state.lww_value(turn.record.get("ritual")), turn.record.get("rituals_done")):
            turn.end_flow()
            turn.offer(START_OFFER)
            return turn.ask(turn.say("ritual.stale_offer"), turn.say("ritual.start_reprompt"))
        return _elsewhere(handler_input, builtins.ResumeHandler())


class YesResumeHandler(AbstractRequestHandler):
    """"Yes" to "you were at ...; shall we go on?" (launch already said welcome back)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, RESUME_OFFER)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        return advance(turn, ritual) if ritual else _elsewhere(handler_input, builtins.YesHandler())


class NextStepHandler(AbstractRequestHandler):
    """"Next", "we're done", and a plain "yes" inside a step: on to the next step."""

    def can_handle(self, handler_input):
        if intent_is(handler_input, "AMAZON.NextIntent"):
            return _in_ritual(handler_input) or _one_shot(handler_input)
        return intent_is(handler_input, "AMAZON.YesIntent") and flow_is(handler_input, FLOW) and offer_is(
            handler_input, None
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual is None:
            return _elsewhere(handler_input, builtins.NextHandler())
        return advance(turn, ritual, _welcome_back(turn))


class SkipStepHandler(AbstractRequestHandler):
    """"Skip this step" (a one-shot with no ritual tonight is the questions' "skip")."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SkipIntent") and (_in_ritual(handler_input) or _one_shot(handler_input))

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual is None:
            return _elsewhere(handler_input, questions.SkipHandler())
        return advance(turn, ritual, turn.say("ritual.skip"))


class PreviousStepHandler(AbstractRequestHandler):
    """"Go back": the step before (the first step stays the first)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.PreviousIntent") and (
            _in_ritual(handler_input) or _one_shot(handler_input)
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual is None:
            return _elsewhere(handler_input, builtins.PreviousHandler())
        offered = _offered_step(turn)
        back = (ritual["step"] if offered is None else offered) - 1
        opening = turn.say("ritual.first_step") if back < 0 else turn.say("ritual.back")
        return present(turn, ritual, back, opening)


class RepeatStepHandler(AbstractRequestHandler):
    """"Alexa, ask heart to heart to repeat that" after a talking step ended the session.
    Inside a session the built-in repeats the last response word for word."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.RepeatIntent") and _one_shot(handler_input)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual is None:
            return _elsewhere(handler_input, builtins.RepeatHandler())
        return present(turn, ritual, ritual["step"], with_timer=False)


class RestartRitualHandler(AbstractRequestHandler):
    """"Start over" ("restart the ritual") in the ritual, or as a one-shot while tonight's
    ritual is open: tonight's ritual again from its first step, same length."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.StartOverIntent") and (
            flow_is(handler_input, FLOW) or _one_shot(handler_input)
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        ritual = current(turn)
        if ritual is None:
            return _elsewhere(handler_input, builtins.StartOverHandler())
        household = turn.household
        fresh = steps.new_ritual(uuid.uuid4().hex, household.now_ms(), household.today(), ritual["length"])
        if ritual.get("timers"):
            fresh["timers"] = ritual["timers"]
        return present(turn, fresh, 0, turn.say("ritual.restart"))


class NotYetHandler(AbstractRequestHandler):
    """A "no" inside a step: no hurry."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.NoIntent") and flow_is(handler_input, FLOW) and offer_is(
            handler_input, None
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        reprompt = (turn.last_response or {}).get("reprompt") or turn.say("ritual.reprompt.devices")
        return turn.ask(turn.say("ritual.not_yet"), reprompt)


class YesTimerHandler(AbstractRequestHandler):
    """"Yes" to a timer for each talk: Alexa asks for the permission itself."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, TIMER_OFFER)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.offer(None)
        # The household copy carried in the session is unchanged by this turn, so the
        # next turn (the Connections.Response) can keep using it.
        return timers.ask_permission(handler_input, TIMER_TOKEN)


class NoTimerHandler(AbstractRequestHandler):
    """"No" to timers: the ritual goes on without them."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.NoIntent") and offer_is(handler_input, TIMER_OFFER)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return _after_timer_answer(turn, DECLINED, turn.say("ritual.timer_declined"))


class TimerPermissionHandler(AbstractRequestHandler):
    """Alexa's answer to our permission request (Connections.Response, our token)."""

    def can_handle(self, handler_input):
        return timers.is_permission_answer(handler_input, "ritual:")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        answer = timers.permission_answer(handler_input)
        if answer == timers.ACCEPTED:
            return _after_timer_answer(turn, GRANTED, turn.say("ritual.timer_granted"))
        if answer == timers.DENIED:
            return _after_timer_answer(turn, DECLINED, turn.say("ritual.timer_declined"))
        return _after_timer_answer(turn, DECLINED, turn.say("ritual.timer_unanswered"))


def _after_timer_answer(turn: Turn, answer: str, opening: str):
    ritual = current(turn)
    if ritual is None:
        turn.end_flow()
        return builtins.main_menu(turn)
    step = _pending(turn, ritual)
    turn.start_flow(FLOW, timers=answer)
    turn.offer(None)
    return present(turn, ritual, step, opening)


HANDLERS = [
    StartRitualHandler(),
    YesStartHandler(),
    ResumeRitualHandler(),
    YesResumeHandler(),
    YesTimerHandler(),
    NoTimerHandler(),
    TimerPermissionHandler(),
    NextStepHandler(),
    SkipStepHandler(),
    PreviousStepHandler(),
    RepeatStepHandler(),
    RestartRitualHandler(),
    NotYetHandler(),
]
