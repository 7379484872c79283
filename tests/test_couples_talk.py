"""What couples actually say, found by trying the skill the way they would (a QA pass):
the wording reaches a sensible intent through the interaction model, and the answer is
kind, short, keeps the couple's place, and is never a dead end."""

from __future__ import annotations

import json

import pytest
from alexa import Conversation, reprompt_text, speech_text
from questions_helpers import assert_open_and_short, current_qid

from skill import deck, nlu
from skill.console import Speaker
from skill.speech import catalogue

SAM_VOICE = "amzn1.ask.person.SAM0001"

ROUTES = [
    # Not hearing, or wanting the question again.
    ("what was the question", "AMAZON.RepeatIntent"),
    ("I didn't hear that", "AMAZON.RepeatIntent"),
    ("who goes first", "AMAZON.RepeatIntent"),
    ("whose turn is it", "AMAZON.RepeatIntent"),
    # Thanks are not "sorry, I didn't catch that".
    ("thanks", "ThanksIntent"),
    ("thank you alexa", "ThanksIntent"),
    ("that was lovely", "ThanksIntent"),
    ("great question", "ThanksIntent"),
    # Ending the evening in their own words.
    ("let's stop here", "AMAZON.StopIntent"),
    ("we're going to bed", "AMAZON.StopIntent"),
    ("bye bye", "AMAZON.StopIntent"),
    ("that's it for tonight", "AMAZON.StopIntent"),
    # Getting around.
    ("menu", "AMAZON.NavigateHomeIntent"),
    ("back to the menu", "AMAZON.NavigateHomeIntent"),
    ("what else can you do", "AMAZON.HelpIntent"),
    ("let's start again", "AMAZON.StartOverIntent"),
    # Not this question.
    ("we already did that one", "SkipIntent"),
    ("too personal", "SkipIntent"),
    ("I don't want to answer that", "SkipIntent"),
    ("pass on that", "SkipIntent"),
    ("something else", "AnotherQuestionIntent"),
    ("a different one", "AnotherQuestionIntent"),
    ("give us another question", "AnotherQuestionIntent"),
    ("can we have another one", "AnotherQuestionIntent"),
    # Keeping and recalling questions (British spelling as typed in the console).
    ("save it", "SaveFavouriteIntent"),
    ("I love that question", "SaveFavouriteIntent"),
    ("that's a keeper", "SaveFavouriteIntent"),
    ("ask us one of our favourites", "FavouriteQuestionIntent"),
    ("another favourite", "FavouriteQuestionIntent"),
    ("favourites", "FavouriteQuestionIntent"),
    # Heavier or lighter than the last one.
    ("deeper", "DeeperIntent"),
    ("too light", "DeeperIntent"),
    ("lighter please", "LighterIntent"),
    ("too heavy", "LighterIntent"),
    ("that's too deep", "LighterIntent"),
    # Any question.
    ("question please", "AskQuestionIntent"),
    ("surprise us", "AskQuestionIntent"),
    ("you pick", "AskQuestionIntent"),
    ("a question about our relationship", "AskQuestionIntent"),
    ("what about a question", "AskQuestionIntent"),
    ("give me another one", "AnotherQuestionIntent"),
    ("next tip", "TipIntent"),
    ("a different tip", "TipIntent"),
    ("who are you", "AMAZON.HelpIntent"),
    # Names.
    ("my partner is Alex", "PartnerNameIntent"),
    ("my wife is Alex", "PartnerNameIntent"),
    ("call her Alex", "PartnerNameIntent"),
    ("actually call me Samantha", "CallMeIntent"),
    ("my name's Sam", "CallMeIntent"),
    ("I'm Sam and she's Alex", "SetNamesIntent"),
    ("our names are Sam", "SetNamesIntent"),
    ("what are our names", "WhoAreWeIntent"),
    ("forget our names", "ForgetNamesIntent"),
]

SLOTS = [
    ("give us a juicy one", "depth", "deep"),
    ("something lighter", "depth", "light"),
    ("a romantic question", "theme", "affection"),
    ("a silly question", "theme", "fun"),
    ("a question about family", "theme", "growing_up"),
    ("ask us about when we met", "theme", "memories"),
    ("tip about listening", "topic", "listening"),
    ("how can we communicate better", "topic", "listening"),
    ("how do we stop fighting", "topic", "conflict"),
]


@pytest.mark.parametrize("line, intent", ROUTES)
def test_what_couples_say_reaches_a_sensible_intent(line, intent):
    assert nlu.match(line).intent == intent


@pytest.mark.parametrize("line, slot, resolved", SLOTS)
def test_their_words_fill_the_right_slot(line, slot, resolved):
    assert nlu.match(line).slots[slot].resolved_id == resolved


def test_a_bare_name_counts_only_as_the_answer_to_a_name_question():
    partner = ("PartnerNameIntent", "name")
    assert nlu.match("Alex").intent == "AMAZON.FallbackIntent"
    heard = nlu.match("Alex", eliciting=partner)
    assert (heard.intent, heard.slots["name"].value) == ("PartnerNameIntent", "Alex")
    assert nlu.match("it's Alex", eliciting=partner).intent == "PartnerNameIntent"
    assert nlu.match("stop", eliciting=partner).intent == "AMAZON.StopIntent"
    assert nlu.match("hmm what", eliciting=partner).intent == "AMAZON.FallbackIntent"


# ---- conversations, through the real Lambda handler ----------------------------------


def hear(talk, line: str, eliciting=None) -> dict:
    return talk.send(nlu.intent_request(nlu.match(line, eliciting=eliciting)))


def elicited(response: dict):
    for directive in response["response"].get("directives") or []:
        if directive["type"] == "Dialog.ElicitSlot":
            return directive["updatedIntent"]["name"], directive["slotToElicit"]
    return None


def test_my_partner_is_alex_first_then_a_bare_name_for_the_speaker(make_handler, store, clock):
    talk = Conversation(make_handler(store, clock), person_id=SAM_VOICE)
    response = hear(talk, "my partner is Alex")
    assert_open_and_short(response)
    assert "Alex" in talk.text and "your name" in talk.text
    response = hear(talk, "Sam", eliciting=elicited(response))
    assert_open_and_short(response)
    assert "Sam and Alex" in talk.text
    record = store.load(talk.user_id).data
    assert record["names"]["value"] == ["Sam", "Alex"]
    assert record["voices"] == {SAM_VOICE: "a"}, "the voice that named its partner is not the partner"


def test_call_me_then_just_the_partners_name(talk, store):
    response = hear(talk, "call me Sam")
    assert "partner's name" in talk.text
    assert elicited(response) == ("PartnerNameIntent", "name")
    hear(talk, "Alex", eliciting=elicited(response))
    assert store.load(talk.user_id).data["names"]["value"] == ["Sam", "Alex"]


def test_a_recognised_voice_can_change_its_own_name(make_handler, store, clock):
    talk = Conversation(make_handler(store, clock), person_id=SAM_VOICE)
    hear(talk, "call me Sam")
    hear(talk, "Alex", eliciting=("PartnerNameIntent", "name"))
    response = hear(talk, "actually call me Samantha")
    assert_open_and_short(response)
    assert store.load(talk.user_id).data["names"]["value"] == ["Samantha", "Alex"]


def test_one_name_or_two_people_with_the_same_name(talk, store):
    response = hear(talk, "our names are Sam")
    assert_open_and_short(response)
    assert "didn't catch both names" in talk.text
    hear(talk, "our names are Sam and Alex")
    response = hear(talk, "our names are Alex and Alex")
    assert_open_and_short(response)
    assert "didn't catch" not in talk.text and "Two of you called Alex" in talk.text
    assert store.load(talk.user_id).data["names"]["value"] == ["", ""], "no old names, no guessing who is who"


def test_a_third_name_still_ends_with_something_to_answer(talk):
    hear(talk, "our names are Sam and Alex")
    response = hear(talk, "call me Jordan")
    assert_open_and_short(response)
    assert talk.text.endswith("?") and "our names are" in talk.text


def test_what_are_our_names_and_forget_our_names(talk, store):
    response = hear(talk, "what are our names")
    assert_open_and_short(response)
    assert "haven't told me" in talk.text and elicited(response) == ("CallMeIntent", "name")
    hear(talk, "our names are Sam and Alex")
    response = hear(talk, "what are our names")
    assert_open_and_short(response)
    assert "You're Sam and Alex" in talk.text
    response = hear(talk, "forget our names")
    assert_open_and_short(response)
    assert store.load(talk.user_id).data["names"]["value"] == ["", ""]
    hear(talk, "yes")  # the offered question, asked without names
    assert "Sam" not in talk.text and "Alex" not in talk.text


def test_thanks_gets_a_warm_word_and_keeps_the_place(talk):
    hear(talk, "ask us a question")
    qid = current_qid(talk)
    response = hear(talk, "thank you")
    assert_open_and_short(response)
    assert any(talk.text.startswith(v) for v in catalogue("en-US")["thanks.question"])
    assert talk.text.endswith(reprompt_text(response))
    assert current_qid(talk) == qid
    talk.end()
    talk.launch()
    response = hear(talk, "that was lovely")
    assert_open_and_short(response)
    assert "Sorry" not in talk.text and "question" in talk.text


def test_a_one_shot_thank_you_says_goodbye(talk):
    response = hear(talk, "thank you")  # "Alexa, tell heart to heart thank you"
    assert response["response"]["shouldEndSession"] is True
    assert any(v in talk.text for v in catalogue("en-US")["goodbye"])


def test_a_flow_without_its_own_thanks_hears_it_like_anything_unexpected(talk):
    talk.launch()
    talk.session["attributes"]["flow"] = {"name": "elsewhere"}  # a feature that says nothing to thanks
    unexpected = speech_text(hear(talk, "blah blah blah"))
    response = hear(talk, "thank you")
    assert_open_and_short(response)
    assert speech_text(response) == unexpected
    assert talk.attributes["flow"] == {"name": "elsewhere"}


def test_after_alexa_closes_the_session_that_one_still_means_the_last_question(talk, store, clock):
    """Alexa closes the session seconds after a question, while the couple talks."""
    hear(talk, "ask us something about our childhood")
    first = current_qid(talk)
    question = deck.deck().questions[first].text
    talk.end("EXCEEDED_MAX_REPROMPTS")
    response = hear(talk, "what was the question")  # "Alexa, ask heart to heart what was the question"
    assert_open_and_short(response)
    assert question in talk.text
    talk.end("EXCEEDED_MAX_REPROMPTS")
    response = hear(talk, "save that one")
    assert_open_and_short(response)
    assert "Saved" in talk.text and store.load(talk.user_id).data["favourites"] == [first]
    talk.end("EXCEEDED_MAX_REPROMPTS")
    response = hear(talk, "another one")
    assert_open_and_short(response, 75)
    assert deck.deck().questions[current_qid(talk)].theme == "growing_up", "still on the theme they chose"
    assert current_qid(talk) != first
    talk.end("EXCEEDED_MAX_REPROMPTS")
    clock.advance(hours=7)  # the next evening: "that one" means nothing any more
    response = hear(talk, "save that one")
    assert_open_and_short(response)
    assert "no question to save" in talk.text


def test_repeat_with_nothing_tonight_still_offers_the_choices(talk, clock):
    hear(talk, "ask us a question")
    talk.end()
    clock.advance(hours=7)
    response = hear(talk, "what was the question")
    assert_open_and_short(response)
    assert "nothing for me to repeat" in talk.text


def test_deeper_and_lighter_step_from_the_question_just_heard(talk):
    hear(talk, "ask us something light about our memories")
    depths = []
    for line in ("deeper", "deeper", "go deeper", "lighter please", "too heavy"):
        response = hear(talk, line)
        assert_open_and_short(response, 75)
        question = deck.deck().questions[current_qid(talk)]
        assert question.theme == "memories"
        depths.append(question.depth)
    assert depths == ["deeper", "deep", "deep", "deeper", "light"]


def test_a_word_alexa_puts_in_the_other_slot_still_counts(talk):
    response = hear(talk, "something romantic")  # heard as a depth
    assert_open_and_short(response, 75)
    assert deck.deck().questions[current_qid(talk)].theme == "affection"
    assert "don't have" not in talk.text


def test_tell_us_about_a_question_theme_asks_a_question_not_a_random_tip(talk):
    response = hear(talk, "tell us about our childhood")  # heard as a tip topic
    assert_open_and_short(response, 75)
    assert deck.deck().questions[current_qid(talk)].theme == "growing_up"
    assert "don't have a tip" not in talk.text
    hear(talk, "what about something deep")
    assert deck.deck().questions[current_qid(talk)].depth == "deep"


def test_a_returning_couple_is_greeted_by_name(talk):
    hear(talk, "our names are Sam and Alex")
    talk.end()
    response = talk.launch()
    assert_open_and_short(response)
    assert "Sam and Alex" in speech_text(response)


def test_go_back_shows_the_question_on_a_screen_too(handler):
    talk = Conversation(handler, apl=True)
    hear(talk, "ask us a question")
    first = deck.deck().questions[current_qid(talk)].text
    hear(talk, "another one")
    response = hear(talk, "go back")
    assert first in json.dumps(response["response"]["directives"])


def test_go_back_during_questions_returns_to_the_one_before(talk, store):
    asked = []
    for line in ("ask us a question", "another one", "skip"):
        hear(talk, line)
        asked.append(current_qid(talk))
    for expected in (asked[1], asked[0], asked[0]):
        response = hear(talk, "go back")
        assert_open_and_short(response, 75)
        assert current_qid(talk) == expected
        assert deck.deck().questions[expected].text in talk.text
    assert "isn't one before" in talk.text
    assert set(store.load(talk.user_id).data["seen_questions"].values()) == {1}, "going back hears nothing twice"


def test_skip_with_nothing_to_skip_says_one_opening_not_two(talk):
    hear(talk, "skip")
    intros = catalogue("en-US")["ask.intro.all"]
    assert "nothing to skip" in talk.text and not any(intro in talk.text for intro in intros)


def test_skipping_a_favourite_says_so(talk):
    for _ in range(2):
        hear(talk, "another one")
        hear(talk, "save that one")
    hear(talk, "one of our favorites")
    hear(talk, "skip")
    skips = catalogue("en-US")["ask.skip"]
    assert any(talk.text.startswith(s) for s in skips) and "favorites" in talk.text


def test_fallback_during_a_question_doesnt_ask_them_to_talk_to_alexa(talk):
    hear(talk, "ask us a question")
    response = hear(talk, "I'll go first")
    assert response["response"]["shouldEndSession"] is True  # the microphone closes: they talk
    assert "ask heart to heart for another one" in talk.text
    assert "didn't catch" not in talk.text


def test_help_speaks_plainly(talk):
    talk.launch()
    response = hear(talk, "help")
    assert "depth" not in talk.text and "something light" in talk.text
    assert "not a substitute for professional help" in speech_text(response)


# ---- the console behaves like a speaker here too -------------------------------------


@pytest.fixture
def console(tmp_path):
    import io

    from skill.app import build_skill
    from skill.config import Settings

    out = io.StringIO()
    skill = build_skill(settings=Settings(skill_id=None, table_name=None, db_path=str(tmp_path / "c.sqlite3")))
    return Speaker(skill, user_id="amzn1.ask.account.CONSOLE-TEST", out=out), out


def test_console_ask_heart_to_heart_alone_opens_the_skill(console):
    speaker, out = console
    speaker.hear("ask heart to heart")
    assert "Welcome to Heart to Heart" in out.getvalue()
    assert "FallbackIntent" not in out.getvalue()


def test_console_hey_alexa_open_heart_to_heart_opens_the_skill(console):
    speaker, out = console
    speaker.hear("hey alexa open heart to heart")
    assert "Welcome to Heart to Heart" in out.getvalue()


def test_console_answers_a_name_question_with_a_bare_name(console):
    speaker, out = console
    speaker.hear("open heart to heart")
    speaker.hear("call me Sam")
    speaker.hear("Alex")
    assert "Thanks, Sam and Alex" in out.getvalue()


def test_nlu_understands_noon_midnight_and_negative_numbers():
    from skill.nlu import parse_number, parse_time

    assert parse_time("noon") == "12:00" and parse_time("midnight") == "00:00"
    assert parse_number("minus three") == -3


def test_a_bare_slot_sample_does_not_swallow_unknown_phrases():
    from skill.nlu import match

    assert match("go ahead").intent != "AskQuestionIntent"
    assert match("something deep").intent == "AskQuestionIntent"


def test_silence_at_a_permission_prompt_is_not_answered(tmp_path):
    import io

    from skill.app import build_skill
    from skill.config import Settings
    from skill.console import Speaker

    out = io.StringIO()
    skill = build_skill(settings=Settings(skill_id=None, table_name=None, db_path=str(tmp_path / "p.sqlite3")))
    console = Speaker(skill, user_id="amzn1.ask.account.PERMISSION", out=out)
    console.pending_permission = {"token": "timers:test", "payload": {"permissionScopes": [
        {"permissionScope": "alexa::alerts:timers:skill:readwrite"}]}}
    console.session = None
    console.hear("")
    assert "NOT_ANSWERED" in out.getvalue()
    assert console.pending_permission is None


def test_typed_contractions_match_like_spoken_ones():
    from skill.nlu import match

    for line in ("let us do a check in", "lets do a check in", "let's do a check in"):
        assert match(line).intent == "CheckInIntent", line
