"""The weekly check-in, through the Lambda handler: ratings by voice (named partners,
bad and missing answers, skip, go back), the talking prompts that end the session,
resuming the same evening, the gentle support line, and what is stored."""

from __future__ import annotations

import json

from alexa import reprompt_text, speech_text

from skill import nlu

USER_SAID = ("banana", "purple", "fighting", "forty")


def hear(talk, text: str) -> dict:
    """A spoken line, through the interaction model, as Alexa would send it."""
    return talk.send(nlu.intent_request(nlu.match(text)))


def is_open(response: dict) -> bool:
    return response["response"]["shouldEndSession"] is False


def assert_open_with_reprompt(response: dict, limit: int = 60) -> None:
    assert is_open(response)
    assert reprompt_text(response), "an open session needs a reprompt"
    assert len(speech_text(response).split()) <= limit


def assert_closed(response: dict, limit: int = 75) -> None:
    assert response["response"]["shouldEndSession"] is True
    assert "reprompt" not in response["response"]
    assert len(speech_text(response).split()) <= limit


def saved(store, talk) -> dict:
    return store.load(talk.user_id).data


def set_names(talk) -> None:
    talk.say("SetNamesIntent", firstName="sam", secondName="alex")
    talk.say("AMAZON.StopIntent")


def go_on(talk) -> dict:
    """"Alexa, ask heart to heart to go on": a new session that goes straight on."""
    assert not talk.open
    return hear(talk, "go on")


def test_a_full_check_in_with_names_stores_only_the_date_and_two_ratings(talk, store):
    set_names(talk)
    first = hear(talk, "let's do a check in")
    assert_open_with_reprompt(first)
    assert "Sam, you go first" in speech_text(first) and "connected" in speech_text(first)
    assert "Sam" in reprompt_text(first)

    second = hear(talk, "I'd say seven")
    assert_open_with_reprompt(second)
    assert "Now Alex" in speech_text(second) and "Alex" in reprompt_text(second)

    talk_prompt = hear(talk, "eight")
    assert_closed(talk_prompt)
    assert "went well" in speech_text(talk_prompt)
    assert "Alexa, ask heart to heart to go on" in speech_text(talk_prompt)
    record = saved(store, talk)
    assert list(record["checkins"].values()) == [{"date": "2026-11-26", "ratings": [7, 8]}]

    attention = go_on(talk)
    assert_closed(attention)
    assert "I feel" in speech_text(attention) and "go on" in speech_text(attention)
    wish = go_on(talk)
    assert_closed(wish)
    assert "wish" in speech_text(wish)
    closing = go_on(talk)
    assert_closed(closing)
    assert "appreciated" in speech_text(closing) and "go on" not in speech_text(closing)

    record = saved(store, talk)
    assert record["checkin"]["value"] is None
    assert list(record["checkins"].values()) == [{"date": "2026-11-26", "ratings": [7, 8]}]
    stored = json.dumps(record).lower()
    assert not any(word in stored for word in USER_SAID)
    nothing_left = talk.say("AMAZON.ResumeIntent")
    assert "nothing unfinished" in speech_text(nothing_left)


def test_bad_and_missing_ratings_are_asked_again_kindly_and_lose_nothing(talk, store):
    set_names(talk)
    talk.say("CheckInIntent")
    for line, why in [
        ("forty two", "off my scale"),  # arrives as rating "42"
        ("banana", "didn't catch a number"),  # arrives as AMAZON.FallbackIntent
    ]:
        response = hear(talk, line)
        assert_open_with_reprompt(response)
        assert why in speech_text(response) and "Sam" in speech_text(response)
    not_a_number = talk.say("RatingIntent", rating="?")
    assert "need a number" in speech_text(not_a_number)
    empty = talk.say("RatingIntent")
    assert_open_with_reprompt(empty)
    assert "didn't catch a number" in speech_text(empty) and "Sam" in speech_text(empty)
    assert saved(store, talk)["checkin"]["value"]["ratings"] == [None, None]

    hear(talk, "six")
    zero = talk.say("RatingIntent", rating="0")
    assert "off my scale" in speech_text(zero) and "Alex" in speech_text(zero)
    # Silence: Alexa reprompts (the reprompt re-asks Alex), then closes the session.
    assert "Alex" in reprompt_text(zero) and "one to ten" in reprompt_text(zero)
    talk.end("EXCEEDED_MAX_REPROMPTS")
    assert not talk.open
    assert saved(store, talk)["checkin"]["value"]["ratings"] == [6, None]
    assert saved(store, talk)["checkins"] == {}

    offer = talk.launch()
    assert_open_with_reprompt(offer)
    assert "check-in earlier tonight" in speech_text(offer)
    again = talk.say("AMAZON.YesIntent")
    assert_open_with_reprompt(again)
    assert speech_text(again).startswith("Now Alex")
    done = hear(talk, "a nine")
    assert_closed(done)
    assert list(saved(store, talk)["checkins"].values())[0]["ratings"] == [6, 9]


def test_skip_stores_a_null_rating(talk, store):
    talk.say("CheckInIntent")
    skipped = hear(talk, "skip")
    assert_open_with_reprompt(skipped)
    assert "leave that one out" in speech_text(skipped) and "other one of you" in speech_text(skipped)
    done = hear(talk, "five")
    assert_closed(done)
    assert list(saved(store, talk)["checkins"].values()) == [{"date": "2026-11-26", "ratings": [None, 5]}]


def test_without_names_both_partners_are_still_asked_in_turn(talk):
    first = talk.say("CheckInIntent")
    assert "One of you goes first" in speech_text(first)
    second = talk.say("RatingIntent", rating="4")
    assert "other one of you" in speech_text(second)


def test_go_back_asks_the_first_partner_again(talk, store):
    set_names(talk)
    talk.say("CheckInIntent")
    talk.say("RatingIntent", rating="3")
    again = hear(talk, "go on")
    assert_open_with_reprompt(again)
    assert speech_text(again).startswith("Now Alex")
    back = hear(talk, "go back")
    assert_open_with_reprompt(back)
    assert "Sam" in speech_text(back).split("Alex")[0]
    talk.say("RatingIntent", rating="5")
    talk.say("RatingIntent", rating="6")
    assert list(saved(store, talk)["checkins"].values())[0]["ratings"] == [5, 6]


def test_a_check_in_resumes_the_same_evening_but_not_the_next_day(talk, store, clock):
    talk.say("CheckInIntent")
    talk.say("RatingIntent", rating="7")
    talk.end("USER_INITIATED")
    clock.advance(hours=2)
    again = talk.say("CheckInIntent")  # asking for a check-in again picks this one up
    assert "pick up your check-in" in speech_text(again) and "other one of you" in speech_text(again)
    talk.end("USER_INITIATED")

    clock.advance(hours=7)
    launch = talk.launch()
    assert "earlier tonight" not in speech_text(launch)
    fresh = talk.say("CheckInIntent")
    assert "One of you goes first" in speech_text(fresh)
    assert saved(store, talk)["checkins"] == {}


def test_stop_and_pause_during_ratings_say_how_to_come_back(talk, store):
    talk.say("CheckInIntent")
    stop = talk.say("AMAZON.StopIntent")
    assert_closed(stop)
    assert "go on" in speech_text(stop)
    assert saved(store, talk)["checkin"]["value"]["step"] == "rate_a"
    resumed = go_on(talk)
    assert_open_with_reprompt(resumed)
    pause = talk.say("AMAZON.PauseIntent")
    assert_closed(pause)
    assert "go on" in speech_text(pause)


def test_help_during_a_check_in_says_it_is_not_professional_help(talk):
    talk.say("CheckInIntent")
    response = talk.say("AMAZON.HelpIntent")
    assert_open_with_reprompt(response, limit=75)
    assert "not a substitute for professional help" in speech_text(response)
    assert "one to ten" in reprompt_text(response)
    unrelated = talk.say("ProgressIntent")  # works mid-way; the check-in stays saved
    assert is_open(unrelated)


def test_very_low_ratings_gently_mention_support_once(talk, store):
    talk.say("CheckInIntent")
    talk.say("RatingIntent", rating="2")
    low = talk.say("RatingIntent", rating="3")
    assert_closed(low, limit=90)
    assert speech_text(low).count("couples counselor") == 1
    assert "we need help" in speech_text(low)
    for _ in range(3):
        assert "counselor" not in speech_text(go_on(talk))


def test_support_is_not_mentioned_unless_both_ratings_are_low(talk, clock):
    for ratings in (["2", "4"], ["2", None]):
        talk.say("CheckInIntent")
        talk.say("RatingIntent", rating=ratings[0])
        last = talk.say("SkipIntent") if ratings[1] is None else talk.say("RatingIntent", rating=ratings[1])
        assert "counselor" not in speech_text(last)
        clock.advance(days=7)


def test_yes_after_progress_starts_a_check_in(talk):
    talk.say("ProgressIntent")
    response = talk.say("AMAZON.YesIntent")
    assert "One of you goes first" in speech_text(response)


def test_go_on_follows_whichever_was_left_last_tonight(talk, clock):
    talk.say("CheckInIntent")
    talk.end("USER_INITIATED")
    clock.advance(minutes=5)
    hear(talk, "start our evening ritual")
    talk.end("USER_INITIATED")
    clock.advance(minutes=5)
    ritual = hear(talk, "go on")
    assert "connected" not in speech_text(ritual)
    talk.end("USER_INITIATED")
    clock.advance(minutes=5)
    talk.say("CheckInIntent")  # the check-in moves again: now it is the latest
    talk.end("USER_INITIATED")
    assert "connected" in speech_text(hear(talk, "go on"))


def test_half_numbers_yes_no_and_next_are_asked_again_and_throw_nothing_away(talk, store):
    """"Seven and a half", or "we're done" / "next" / "yes" said between the partners, is
    no rating and no skip: the same partner is asked again."""
    set_names(talk)
    talk.say("CheckInIntent")
    half = talk.say("RatingIntent", rating="7.5")
    assert_open_with_reprompt(half)
    assert "whole numbers" in speech_text(half) and "Sam" in speech_text(half)
    for line in ("we're done", "next", "yes", "no"):
        again = hear(talk, line)
        assert_open_with_reprompt(again)
        assert "didn't catch a number" in speech_text(again) and "Sam" in speech_text(again), line
    progress = saved(store, talk)["checkin"]["value"]
    assert progress["step"] == "rate_a" and progress["ratings"] == [None, None]
    assert "Now Alex" in speech_text(hear(talk, "I'd say an eight"))


def talk_prompts_reached(talk) -> None:
    talk.say("CheckInIntent")
    hear(talk, "seven")
    assert_closed(hear(talk, "eight"))  # "what went well" is spoken, the session ends


def test_one_shots_after_a_talking_prompt_repeat_go_on_and_go_back(talk, store):
    talk_prompts_reached(talk)
    well = "what went well between you"
    repeated = hear(talk, "repeat that")  # "Alexa, ask heart to heart to repeat that"
    assert_closed(repeated)
    assert well in speech_text(repeated) and "ask heart to heart to go on" in speech_text(repeated)
    assert saved(store, talk)["checkin"]["value"]["step"] == "attention"
    back = hear(talk, "go back")
    assert speech_text(back).startswith("This is the first part of your talk.") and well in speech_text(back)
    attention = hear(talk, "next")
    assert "could use some care" in speech_text(attention)
    again = hear(talk, "go back")
    assert speech_text(again).startswith("Okay, one step back.") and well in speech_text(again)
    assert "could use some care" in speech_text(hear(talk, "skip this step"))
    assert "one wish" in speech_text(hear(talk, "next"))
    assert saved(store, talk)["checkin"]["value"]["step"] == "appreciation"


def test_one_shots_belong_to_the_ritual_when_it_moved_last(talk, clock):
    talk_prompts_reached(talk)
    clock.advance(minutes=5)
    hear(talk, "start our evening ritual")
    hear(talk, "next")  # the first talking step ends the session
    assert not talk.open
    repeated = hear(talk, "repeat that")
    assert "your days" in speech_text(repeated) and "went well" not in speech_text(repeated)


def test_one_shots_with_no_check_in_tonight_answer_as_before(talk):
    assert "nothing for me to repeat" in speech_text(hear(talk, "repeat that"))


def test_opening_the_skill_offers_whichever_was_left_last_tonight(talk, clock):
    talk.say("CheckInIntent")
    talk.end()
    clock.advance(minutes=5)
    hear(talk, "start our evening ritual")
    hear(talk, "next")  # the first talk of the ritual: the session ends
    clock.advance(minutes=5)
    offer = speech_text(talk.launch())
    assert "partway through tonight's ritual" in offer and "check-in" not in offer
    assert "Now swap." in speech_text(talk.say("AMAZON.YesIntent"))  # the ritual's next step
    clock.advance(minutes=5)
    talk.say("CheckInIntent")  # the check-in moves again: now it is the latest
    talk.end()
    assert "check-in earlier tonight" in speech_text(talk.launch())


def test_go_back_at_the_first_rating_stays_in_the_check_in(talk, store):
    set_names(talk)
    talk.say("CheckInIntent")
    back = hear(talk, "go back")
    assert_open_with_reprompt(back)
    assert speech_text(back).startswith("This is the first number.") and "Sam" in speech_text(back)
    assert "Now Alex" in speech_text(hear(talk, "six"))


def test_thank_you_while_rating_is_answered_and_the_same_partner_is_asked(talk, store):
    set_names(talk)
    talk.say("CheckInIntent")
    thanks = hear(talk, "thank you")
    assert_open_with_reprompt(thanks)
    assert speech_text(thanks).startswith("You're welcome.") and "Sam" in speech_text(thanks)
    assert saved(store, talk)["checkin"]["value"]["ratings"] == [None, None]
