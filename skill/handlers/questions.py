"""Asking questions: any, by theme, by depth, another, skip, repeat, favourites.

The question being talked about lives in the session flow "question" (``qid``, plus
the pool it came from, so "another one" stays on the same theme or depth). What has
been heard lives in ``record["seen_questions"]`` and is counted the moment a question
is asked, so "skip" simply moves on: the skipped question is not asked again until its
whole pool has been used (see :mod:`skill.deck`).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import deck
from ..apl import text_directives
from ..speech import plain
from ..turn import Turn, flow_is, intent_is, offer_is, session_flow
from .names import who_goes_first

FLOW = "question"
OFFER = "question"
# Flows where "save that one" is ours to answer (the tips' and names' flows included).
OWN_FLOWS = (FLOW, "tip", "names", None)


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
    """Count the question as heard, remember it in the flow, and ask it."""
    deck.mark_heard(turn.record.setdefault("seen_questions", {}), qid)
    turn.household.changed()
    total = deck.heard_total(turn.record)
    turn.start_flow(FLOW, qid=qid, theme=theme, depth=depth, favourites=favourites, n=total)
    turn.offer(None)
    speech = " ".join([*[part for part in opening if part], question_line(turn, qid, total)])
    question = deck.deck().questions[qid]
    title = deck.deck().themes[question.theme]["spoken"]
    directives = text_directives(turn, title[:1].upper() + title[1:], question.text, turn.say("ask.screen.hint"))
    return turn.ask(speech, turn.say("ask.reprompt"), directives=directives)


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


def ask_favourite(turn: Turn, *, avoid=None):
    """The favourite heard least often (ties in the household's own order)."""
    questions = deck.deck().questions
    favourites = [qid for qid in turn.record.get("favourites") or [] if qid in questions]
    if not favourites:
        turn.end_flow()
        turn.offer(OFFER)
        return turn.ask(turn.say("fav.none_saved"), turn.say("ask.offer_reprompt"))
    if favourites == [avoid]:
        return ask_question(turn, opening=turn.say("fav.only_one"), intro=False, avoid=avoid)
    chosen = deck.pick(favourites, turn.record.get("seen_questions") or {}, turn.household.household_id, avoid=avoid)
    return _deliver(turn, chosen.id, [turn.say("fav.intro")], favourites=True)


def _continue(turn: Turn, opening: str = ""):
    """Another question from the pool the couple is on ("another one", "next", "skip")."""
    flow = turn.flow if flow_is(turn.handler_input, FLOW) else {}
    if flow.get("favourites"):
        return ask_favourite(turn, avoid=flow.get("qid"))
    if not flow:
        return ask_question(turn, opening=opening)
    return ask_question(
        turn, flow.get("theme"), flow.get("depth"), opening=opening, intro=False, avoid=flow.get("qid")
    )


def _ours_to_continue(handler_input) -> bool:
    """"Another one" and "skip" are ours in a question, in the names talk and at the top."""
    return session_flow(handler_input) in (FLOW, "names", None)


class AskQuestionHandler(AbstractRequestHandler):
    """"Ask us a question", "a question about our dreams", "something deep"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AskQuestionIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        theme = deck.resolve_theme(turn.slot_id("theme"), turn.slot("theme"))
        depth = deck.resolve_depth(turn.slot_id("depth"), turn.slot("depth"))
        unknown = bool(turn.slot("theme") and not theme) or bool(turn.slot("depth") and not depth)
        avoid = turn.flow.get("qid") if flow_is(handler_input, FLOW) else None
        if unknown:
            return ask_question(turn, theme, depth, opening=turn.say("ask.unknown_pool"), intro=False, avoid=avoid)
        return ask_question(turn, theme, depth, avoid=avoid)


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
        return _continue(turn, turn.say("ask.skip" if turn.flow else "ask.skip_nothing"))


class RepeatQuestionHandler(AbstractRequestHandler):
    """"Repeat that" re-reads the question and who goes first, even after "save that"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.RepeatIntent") and flow_is(handler_input, FLOW)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        flow = turn.flow
        qid = flow.get("qid")
        if qid not in deck.deck().questions:
            return ask_question(turn)
        total = flow.get("n") or deck.heard_total(turn.record)
        return turn.ask(question_line(turn, qid, total), turn.say("ask.reprompt"))


class SaveFavouriteHandler(AbstractRequestHandler):
    """"Save that one": the current question joins the favourites."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SaveFavouriteIntent") and session_flow(handler_input) in OWN_FLOWS

    def handle(self, handler_input):
        turn = Turn(handler_input)
        qid = turn.flow.get("qid") if flow_is(handler_input, FLOW) else None
        if qid not in deck.deck().questions:
            turn.offer(OFFER)
            return turn.ask(turn.say("fav.nothing_current"), turn.say("ask.offer_reprompt"))
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
        return ask_favourite(turn, avoid=turn.flow.get("qid") if flow_is(handler_input, FLOW) else None)


class YesToQuestionHandler(AbstractRequestHandler):
    """A "yes" to "shall I ask you a question?"."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "AMAZON.YesIntent") and offer_is(handler_input, OFFER)

    def handle(self, handler_input):
        return ask_question(Turn(handler_input))


HANDLERS = [
    AskQuestionHandler(),
    AnotherQuestionHandler(),
    SkipHandler(),
    RepeatQuestionHandler(),
    SaveFavouriteHandler(),
    FavouriteQuestionHandler(),
    YesToQuestionHandler(),
]
