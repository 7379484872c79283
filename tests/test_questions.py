"""Asking questions through the Lambda handler: no repeats across sessions, restarts and
devices, pools by theme and depth that start over and say so, skip, repeat, favourites."""

from __future__ import annotations

import json

from alexa import Conversation, reprompt_text, speech_text
from questions_helpers import assert_open_and_short, current_qid

from skill import deck, state
from skill.speech import catalogue

QUESTION_WORDS = 75


def ask(talk, intent="AnotherQuestionIntent", **slots) -> str:
    response = talk.say(intent, **slots)
    assert_open_and_short(response, QUESTION_WORDS)
    qid = current_qid(talk)
    assert deck.deck().questions[qid].text in speech_text(response)
    return qid


def test_a_hundred_another_ones_across_sessions_and_a_restart_never_repeat(make_handler, store, clock):
    talk = Conversation(make_handler(store, clock))
    talk.launch()
    heard = []
    for session in range(5):
        if session == 3:  # a cold start: a new Lambda container on the same store
            talk.handler = make_handler(store, clock)
        for _ in range(20):
            heard.append(ask(talk))
        talk.end("EXCEEDED_MAX_REPROMPTS")
        assert not talk.open
        clock.advance(hours=20)
    assert len(heard) == 100
    assert len(set(heard)) == 100
    texts = {deck.deck().questions[q].text for q in heard}
    assert len(texts) == 100
    seen = store.load(talk.user_id).data["seen_questions"]
    assert sorted(seen) == sorted(heard) and set(seen.values()) == {1}


def test_another_one_in_a_new_session_continues_the_memory(talk):
    first = ask(talk, "AskQuestionIntent")
    talk.end()
    second = ask(talk)  # "Alexa, ask heart to heart for another one": a new session
    assert second != first


def test_households_hear_different_orders(handler):
    orders = []
    for user in ("amzn1.ask.account.HOUSEHOLD_A", "amzn1.ask.account.HOUSEHOLD_B", "amzn1.ask.account.HOUSEHOLD_C"):
        talk = Conversation(handler, user_id=user)
        orders.append([ask(talk) for _ in range(8)])
    assert orders[0] != orders[1] and orders[1] != orders[2] and orders[0] != orders[2]
    assert len({order[0] for order in orders}) > 1


def test_a_pool_used_up_starts_over_in_a_new_order_and_says_so(talk):
    pool = deck.question_pool("trust", "deep")
    assert len(pool) >= 10
    slots = {"theme": ("trust", "trust"), "depth": ("deep", "deep")}
    first_round = []
    for _ in pool:
        qid = ask(talk, "AskQuestionIntent", **slots)
        assert "start again" not in talk.text
        first_round.append(qid)
    assert sorted(first_round) == sorted(pool)
    ask(talk, "AskQuestionIntent", **slots)
    assert "You've heard all the deep questions about trust, so they start again in a new order." in talk.text
    second_round = [current_qid(talk)]
    talk.end()
    for _ in range(len(pool) - 1):  # "another one" stays on the pool, in a new session too
        second_round.append(ask(talk, "AskQuestionIntent", **slots) if not talk.open else ask(talk))
        assert "start again" not in talk.text
    assert sorted(second_round) == sorted(pool)
    assert second_round != first_round
    assert second_round[0] != first_round[-1]


def test_the_whole_deck_used_up_starts_over_and_the_response_still_fits(talk, store, clock):
    record = state.new_record("2026-11-01")
    record["seen_questions"] = {qid: 1 for qid in deck.deck().questions}
    store.save(talk.user_id, record, None, now=clock())
    response = talk.say("AskQuestionIntent")
    assert "You've now heard every question in the deck" in talk.text
    assert_open_and_short(response, QUESTION_WORDS)
    assert len(json.dumps(response)) < 24_000
    assert store.load(talk.user_id).data["seen_questions"][current_qid(talk)] == 2


def test_asking_by_theme_and_by_depth(talk):
    qid = ask(talk, "AskQuestionIntent", theme=("our dreams", "dreams"))
    assert deck.deck().questions[qid].theme == "dreams"
    assert "about dreams and goals" in talk.text
    for _ in range(3):  # "another one" stays on the theme
        assert deck.deck().questions[ask(talk)].theme == "dreams"
    qid = ask(talk, "AskQuestionIntent", depth="deep")  # no resolution: the spoken word is matched
    assert deck.deck().questions[qid].depth == "deep"
    qid = ask(talk, "AskQuestionIntent", depth=("a bit deeper", "deeper"), theme="childhood")
    question = deck.deck().questions[qid]
    assert (question.theme, question.depth) == ("growing_up", "deeper")


def test_an_unknown_theme_still_gets_a_question(talk):
    ask(talk, "AskQuestionIntent", theme="astrophysics")
    assert "here's one from the whole deck" in talk.text


def test_skip_moves_on_and_the_skipped_question_stays_heard(talk, store):
    first = ask(talk, "AskQuestionIntent")
    second = ask(talk, "SkipIntent")
    assert second != first
    assert "skip" in talk.text.lower() or "pass" in talk.text.lower()
    seen = store.load(talk.user_id).data["seen_questions"]
    assert seen[first] == 1 and seen[second] == 1
    talk.say("AMAZON.NextIntent")  # "next" inside a question is another question
    assert current_qid(talk) not in (first, second)


def test_skip_with_nothing_to_skip_asks_one(talk):
    ask(talk, "SkipIntent")
    assert "nothing to skip" in talk.text


def test_repeat_rereads_the_question_and_who_goes_first_even_after_saving(talk):
    ask(talk, "AskQuestionIntent")
    asked = talk.text
    question = deck.deck().questions[current_qid(talk)].text
    talk.say("SaveFavouriteIntent")
    assert "Saved" in talk.text
    response = talk.say("AMAZON.RepeatIntent")
    assert_open_and_short(response)
    assert question in talk.text
    anyone = catalogue("en-US")["ask.first.anyone"]
    assert any(v in talk.text for v in anyone) and any(v in asked for v in anyone)
    assert reprompt_text(response) == "Say another one when you're ready, or stop."


def test_save_with_no_question_is_kind_and_offers_one(talk):
    response = talk.say("SaveFavouriteIntent")
    assert_open_and_short(response)
    assert "no question to save" in talk.text
    ask(talk, "AMAZON.YesIntent")


def test_favourites_are_recalled_and_rotate(talk, store):
    response = talk.say("FavouriteQuestionIntent")
    assert_open_and_short(response)
    assert "save that one" in talk.text
    saved = []
    for _ in range(3):
        saved.append(ask(talk))
        talk.say("SaveFavouriteIntent")
    talk.say("SaveFavouriteIntent")
    assert "already in your favorites" in talk.text
    assert sorted(store.load(talk.user_id).data["favourites"]) == sorted(saved)
    talk.end()
    recalled = []
    for _ in range(3):
        recalled.append(ask(talk, "FavouriteQuestionIntent"))
        assert "favorites" in talk.text
    assert sorted(recalled) == sorted(saved), "every favourite comes round before any repeats"
    ask(talk)  # "another one" in favourites mode: another favourite, not the one just heard
    assert current_qid(talk) in saved and current_qid(talk) != recalled[-1]


def test_a_single_favourite_asked_again_moves_on_to_the_deck(talk):
    only = ask(talk, "AskQuestionIntent")
    talk.say("SaveFavouriteIntent")
    assert ask(talk, "FavouriteQuestionIntent") != only
    assert "only favorite" in talk.text


def test_two_devices_merge_their_memory(make_handler, store, clock):
    handler = make_handler(store, clock)
    kitchen = Conversation(handler)
    bedroom = Conversation(handler)
    kitchen_heard = [ask(kitchen, "AskQuestionIntent")]
    bedroom_heard = [ask(bedroom, "AskQuestionIntent", theme=("memories", "memories"))]
    for _ in range(4):
        kitchen_heard.append(ask(kitchen))
        bedroom_heard.append(ask(bedroom))
    seen = store.load(kitchen.user_id).data["seen_questions"]
    assert set(kitchen_heard + bedroom_heard) <= set(seen)
    kitchen.end()
    bedroom.end()
    clock.advance(hours=7)  # another evening: "another one" is from the whole deck
    later = Conversation(handler)
    for _ in range(40):
        assert ask(later) not in kitchen_heard + bedroom_heard


def test_question_flow_has_its_own_help_fallback_and_goodbye(talk):
    ask(talk, "AskQuestionIntent")
    response = talk.say("AMAZON.HelpIntent")
    assert_open_and_short(response)
    assert "another one" in talk.text
    assert talk.attributes["flow"]["name"] == "question"
    response = talk.say("AMAZON.StopIntent")
    assert response["response"]["shouldEndSession"] is True
    assert speech_text(response)


def test_the_couple_starting_to_answer_is_not_interrupted(talk, store):
    """After a question, what Alexa can't place is the couple talking: step back."""
    first = ask(talk, "AskQuestionIntent")
    response = talk.say("AMAZON.FallbackIntent")
    assert response["response"]["shouldEndSession"] is True
    assert "another one" in speech_text(response) and "reprompt" not in response["response"]
    assert ask(talk, "AnotherQuestionIntent") != first  # a new session carries on the deck


def test_after_a_question_the_session_stays_open_with_the_short_reprompt(talk):
    response = talk.say("AskQuestionIntent")
    assert reprompt_text(response) == "Say another one when you're ready, or stop."
    assert talk.open
