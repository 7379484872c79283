"""Asking questions: any, by theme, by depth, another, skip, repeat, favourites.

The question being talked about lives in the session flow "question" (``qid``, plus
the pool it came from, so "another one" stays on the same theme or depth). What has
been heard lives in ``record["seen_questions"]`` and is counted the moment a question
is asked, so "skip" simply moves on: the skipped question is not asked again until its
whole pool has been used (see :mod:`skill.deck`).

Alexa closes the session about eight seconds after a question, while the couple is
still talking, so the question is also kept in ``record["last_question"]`` (an lww of
ids only). In a new session with nothing else going on, "another one", "skip", "save
that one" and "repeat that" within a few hours still mean that question.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import deck, state
from ..apl import text_directives
from ..speech import plain
from ..turn import Turn, flow_is, intent_is, offer_is, session_flow
from .names import who_goes_first

FLOW = "question"
OFFER = "question"
# Flows where "save that one" is ours to answer (the tips' and names' flows included).
OWN_FLOWS = (FLOW, "tip", "names", None)
LAST_QUESTION = "last_question"
DEPTH_ORDER = ("light", "deeper", "deep")
# How many questions "go back" can return through in a session.
MAX_BACK = 5
# Depth words that compare with the question just heard.
COMPARATIVES = {"deeper": 1, "lighter": -1}


def _pool_words(turn: Turn, theme: str | None, depth: str | None) -> dict:
    words = {}
    if theme:
        words["theme"] = plain(deck.deck().themes[theme]["spoken"])
    if depth:
        words["depth"] = turn.say(f"ask.depth.{depth}")
    return words


def _pool_kind(theme: str | None, depth: str | None) -> str:
    if theme and depth:
        return "both"
    return "theme" if theme else "depth" if depth else "all"


def question_line(turn: Turn, qid: str, heard_total: int) -> str:
    """Who answers first, then the question."""
    return f"{who_goes_first(turn, heard_total)} {plain(deck.deck().questions[qid].text)}"


def _deliver(turn: Turn, qid: str, opening: list[str], *, theme=None, depth=None, favourites=False):
    """Count the question as heard, remember it in the flow and the record, and ask it."""
    deck.mark_heard(turn.record.setdefault("seen_questions", {}), qid)
    total = deck.heard_total(turn.record)
    before = turn.flow if flow_is(turn.handler_input, FLOW) else {}
    back = [*before.get("back", []), [before["qid"], before.get("n", 0)]][-MAX_BACK:] if before.get("qid") else []
    remembered = {"qid": qid, "theme": theme, "depth": depth, "favourites": favourites, "n": total}
    turn.start_flow(FLOW, **remembered, back=back)
    turn.record[LAST_QUESTION] = state.lww(remembered, turn.household.now_ms())
    turn.household.changed()
    turn.offer(None)
    speech = " ".join([*[part for part in opening if part], question_line(turn, qid, total)])
    return turn.ask(speech, turn.say("ask.reprompt"), directives=_screen(turn, qid))


def _screen(turn: Turn, qid: str) -> list:
    """The question as large text, on devices with a screen."""
    question = deck.deck().questions[qid]
    title = deck.deck().themes[question.theme]["spoken"]
    return text_directives(turn, title[:1].upper() + title[1:], question.text, turn.say("ask.screen.hint"))


def ask_question(turn: Turn, theme=None, depth=None, *, opening: str = "", intro: bool = True, avoid=None):
    """The next unheard question of the pool (all, a theme, a depth, or both)."""
    chosen = deck.pick(deck.question_pool(theme, depth), turn.record.get("seen_questions") or {},
                       turn.household.household_id, avoid=avoid)
    kind = _pool_kind(theme, depth)
    words = _pool_words(turn, theme, depth)
    parts = [opening]
    if chosen.restarted:
        parts.append(turn.say(f"ask.restart.{kind}", **words))
    if intro:
        parts.append(turn.say(f"ask.intro.{kind}", **words))
    return _deliver(turn, chosen.id, parts, theme=theme, depth=depth)


def ask_favourite(turn: Turn, *, avoid=None, opening: str = ""):
    """The favourite heard least often (ties in the household's own order)."""
    questions = deck.deck().questions
    favourites = [qid for qid in turn.record.get("favourites") or [] if qid in questions]
    if not favourites:
        turn.end_flow()
        turn.offer(OFFER)
        return turn.ask(turn.say("fav.none_saved"), turn.say("ask.offer_reprompt"))
    if favourites == [avoid]:
        return ask_question(turn, opening=f"{opening} {turn.say('fav.only_one')}".strip(), intro=False, avoid=avoid)
    chosen = deck.pick(favourites, turn.record.get("seen_questions") or {}, turn.household.household_id, avoid=avoid)
    return _deliver(turn, chosen.id, [opening, turn.say("fav.intro")], favourites=True)


def current_question(turn: Turn) -> dict:
    """The question being talked about: this session's, or, in a session with nothing
    else going on, the one asked last within the evening. {} when there is none."""
    if flow_is(turn.handler_input, FLOW):
        return turn.flow
    if session_flow(turn.handler_input) is not None:
        return {}
    register = turn.record.get(LAST_QUESTION)
    last = state.lww_value(register)
    if not isinstance(last, dict) or last.get("qid") not in deck.deck().questions:
        return {}
    if not state.same_evening(register["ts"], turn.household.now_ms()):
        return {}
    return last


def _resume_flow(turn: Turn, current: dict) -> None:
    """Talking about a recalled question again: it is this session's question now."""
    if not flow_is(turn.handler_input, FLOW):
        turn.start_flow(FLOW, **{k: v for k, v in current.items() if k != "name"}, back=[])
        turn.offer(None)


def _continue(turn: Turn, opening: str = ""):
    """Another question from the pool the couple is on ("another one", "next", "skip")."""
    current = current_question(turn)
    if current.get("favourites"):
        return ask_favourite(turn, avoid=current.get("qid"), opening=opening)
    if not current:
        return ask_question(turn, opening=opening, intro=not opening)
    recalled = not flow_is(turn.handler_input, FLOW)
    return ask_question(
        turn, current.get("theme"), current.get("depth"), opening=opening, intro=recalled, avoid=current.get("qid")
    )


def recall(turn: Turn):
    """"Repeat that" in a new session: tonight's last question, if there is one."""
    current = current_question(turn)
    if not current:
        return None
    _resume_flow(turn, current)
    return _reread(turn, current)


def _reread(turn: Turn, current: dict, opening: str = ""):
    total = current.get("n") or deck.heard_total(turn.record)
    speech = f"{opening} {question_line(turn, current['qid'], total)}".strip()
    return turn.ask(speech, turn.say("ask.reprompt"), directives=_screen(turn, current["qid"]))


def _step_depth(depth: str | None, step: int) -> str:
    """One step deeper (+1) or lighter (-1) than ``depth``; from nowhere, the far end."""
    if depth not in DEPTH_ORDER:
        return DEPTH_ORDER[-1] if step > 0 else DEPTH_ORDER[0]
    return DEPTH_ORDER[max(0, min(len(DEPTH_ORDER) - 1, DEPTH_ORDER.index(depth) + step))]


def _depth_of(current: dict) -> str | None:
    question = deck.deck().questions.get(current.get("qid"))
    return question.depth if question else None


def _ours_to_continue(handler_input) -> bool:
    """"Another one" and "skip" are ours in a question, in the names talk and at the top."""
    return session_flow(handler_input) in (FLOW, "names", None)


class AskQuestionHandler(AbstractRequestHandler):
    """"Ask us a question", "a question about our dreams", "something deep"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AskQuestionIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        spoken_theme, spoken_depth = turn.slot("theme"), turn.slot("depth")
        theme = deck.resolve_theme(turn.slot_id("theme"), spoken_theme)
        depth = deck.resolve_depth(turn.slot_id("depth"), spoken_depth)
        # Alexa may put a word in the other slot ("something romantic" as a depth).
        if spoken_depth and not depth and not theme:
            theme = deck.resolve_theme(None, spoken_depth)
        if spoken_theme and not theme and not depth:
            depth = deck.resolve_depth(None, spoken_theme)
        current = current_question(turn)
        step = COMPARATIVES.get(deck.normalise(spoken_depth or ""))
        if step and current and not theme:  # "go deeper": than the question just heard, same theme
            return _step(turn, current, step)
        unknown = bool(spoken_theme or spoken_depth) and not (theme or depth)
        if unknown:
            return ask_question(turn, opening=turn.say("ask.unknown_pool"), intro=False, avoid=current.get("qid"))
        return ask_question(turn, theme, depth, avoid=current.get("qid"))


class DeeperOrLighterHandler(AbstractRequestHandler):
    """"Deeper", "too heavy", "lighter please": one step from the question just heard,
    on the same theme."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "DeeperIntent", "LighterIntent") and _ours_to_continue(handler_input)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return _step(turn, current_question(turn), 1 if intent_is(handler_input, "DeeperIntent") else -1)


def _step(turn: Turn, current: dict, step: int):
    """A question one step deeper or lighter than ``current``, from the same theme."""
    depth = _step_depth(_depth_of(current), step)
    theme = None if current.get("favourites") else current.get("theme")
    return ask_question(turn, theme, depth, avoid=current.get("qid"))


class AnotherQuestionHandler(AbstractRequestHandler):
    """"Another one" (also "next" inside a question): outside a flow it just asks one."""

    def can_handle(self, handler_input):
        return (intent_is(handler_input, "AnotherQuestionIntent") and _ours_to_continue(handler_input)) or (
            intent_is(handler_input, "AMAZON.NextIntent") and flow_is(handler_input, FLOW)
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return _continue(turn, turn.say("ask.next") if flow_is(handler_input, FLOW) else "")


class SkipHandler(AbstractRequestHandler):
    """"Skip": the question was counted when asked, so moving on never repeats it."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SkipIntent") and _ours_to_continue(handler_input)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        something = current_question(turn) or flow_is(handler_input, "names")
        return _continue(turn, turn.say("ask.skip" if something else "ask.skip_nothing"))


class RepeatQuestionHandler(AbstractRequestHandler):
    """"Repeat that" re-reads the question and who goes first, even after "save that"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.RepeatIntent") and flow_is(handler_input, FLOW)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if turn.flow.get("qid") not in deck.deck().questions:
            return ask_question(turn)
        return _reread(turn, turn.flow)


class PreviousQuestionHandler(AbstractRequestHandler):
    """"Go back" during questions: the question before, read again (still counted once)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.PreviousIntent") and flow_is(handler_input, FLOW)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        back = [entry for entry in turn.flow.get("back") or [] if entry and entry[0] in deck.deck().questions]
        if not back:
            return _reread(turn, turn.flow, turn.say("ask.back_none"))
        qid, total = back.pop()
        turn.update_flow(qid=qid, n=total, back=back)
        return _reread(turn, turn.flow, turn.say("ask.back"))


class SaveFavouriteHandler(AbstractRequestHandler):
    """"Save that one": the current question joins the favourites."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SaveFavouriteIntent") and session_flow(handler_input) in OWN_FLOWS

    def handle(self, handler_input):
        turn = Turn(handler_input)
        current = current_question(turn)
        qid = current.get("qid")
        if qid not in deck.deck().questions:
            turn.offer(OFFER)
            return turn.ask(turn.say("fav.nothing_current"), turn.say("ask.offer_reprompt"))
        _resume_flow(turn, current)
        favourites = turn.record.setdefault("favourites", [])
        if qid in favourites:
            return turn.ask(turn.say("fav.already"), turn.say("ask.reprompt"))
        favourites.append(qid)
        favourites.sort()
        turn.household.changed()
        return turn.ask(turn.say("fav.saved"), turn.say("ask.reprompt"))


class FavouriteQuestionHandler(AbstractRequestHandler):
    """"Ask one of our favourites"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "FavouriteQuestionIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return ask_favourite(turn, avoid=current_question(turn).get("qid"))


class YesToQuestionHandler(AbstractRequestHandler):
    """A "yes" to "shall I ask you a question?"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, OFFER)

    def handle(self, handler_input):
        return ask_question(Turn(handler_input))


class TalkingFallbackHandler(AbstractRequestHandler):
    """Words Alexa can't place, right after a question, are most likely the couple
    starting to answer it. Reprompting would interrupt them (and hear them again), so
    the skill steps back and closes the microphone; the question is kept for the
    evening ("Alexa, ask heart to heart for another one" carries on)."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.FallbackIntent") and flow_is(handler_input, FLOW)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.end_flow()
        return turn.tell(turn.say("fallback.question"))


HANDLERS = [
    AskQuestionHandler(),
    DeeperOrLighterHandler(),
    AnotherQuestionHandler(),
    SkipHandler(),
    RepeatQuestionHandler(),
    PreviousQuestionHandler(),
    SaveFavouriteHandler(),
    FavouriteQuestionHandler(),
    YesToQuestionHandler(),
    TalkingFallbackHandler(),
]
