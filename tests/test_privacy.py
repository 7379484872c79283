"""Forget us: "delete our data" after a yes, the skill being disabled, and expiry after
18 months of silence. Deleted means gone from the store (the set-aside copy too), and
no device brings it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alexa import Conversation, envelope, reprompt_text, request, speech_text
from probe_feature import HEARD, containers, with_probe  # noqa: F401 (fixtures)

from skill import nlu
from skill.persistence.base import RETENTION_SECONDS, set_aside_key

ROOT = Path(__file__).resolve().parents[1]
HOUSEHOLD = "amzn1.ask.account.PRIVACY"


@pytest.fixture
def home(any_store, containers, clock):
    """A household with some progress, talking through the Lambda handler."""
    talk = Conversation(containers(store=any_store, clock=clock), user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    any_store.set_aside(HOUSEHOLD, "an old unreadable copy", now=clock())
    assert any_store.load(HOUSEHOLD, now=clock()) is not None
    return talk


def exists(store, clock) -> bool:
    return store.load(HOUSEHOLD, now=clock()) is not None


def assert_open_question(response: dict, max_words: int = 50) -> None:
    assert response["response"]["shouldEndSession"] is False
    assert reprompt_text(response)
    assert 0 < len(speech_text(response).split()) <= max_words


def ask_to_delete(talk) -> str:
    response = talk.say("DeleteDataIntent")
    assert_open_question(response)
    assert "delete" in speech_text(response) and "?" in speech_text(response)
    return speech_text(response)


def test_yes_deletes_everything_and_says_so(home, any_store, clock):
    ask_to_delete(home)
    done = home.say("AMAZON.YesIntent")
    assert "deleted" in speech_text(done)
    # Reminders live in Alexa, not in our record: say how they stop, or they keep ringing.
    assert "ask heart to heart to stop reminding us" in speech_text(done)
    assert done["response"]["shouldEndSession"] is True
    assert not exists(any_store, clock)
    assert any_store.load(set_aside_key(HOUSEHOLD), now=clock()) is None


def test_after_deleting_the_household_starts_fresh(home, any_store, clock):
    ask_to_delete(home)
    home.say("AMAZON.YesIntent")
    welcome = home.launch()
    assert "Welcome to Heart to Heart" in speech_text(welcome)


@pytest.mark.parametrize("answer", ["AMAZON.NoIntent", "AMAZON.CancelIntent"])
def test_no_or_cancel_keeps_everything(home, any_store, clock, answer):
    ask_to_delete(home)
    kept = home.say(answer)
    assert "haven't deleted" in speech_text(kept)
    assert_open_question(kept)
    assert exists(any_store, clock)
    assert (home.attributes.get("flow") or {}).get("name") != "forget"


def test_stop_keeps_everything_and_says_so(home, any_store, clock):
    ask_to_delete(home)
    bye = home.say("AMAZON.StopIntent")
    assert "haven't deleted" in speech_text(bye) and bye["response"]["shouldEndSession"] is True
    assert exists(any_store, clock)


@pytest.mark.parametrize("intent", ["AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.RepeatIntent"])
def test_help_fallback_and_repeat_ask_again_and_yes_still_deletes(home, any_store, clock, intent):
    ask_to_delete(home)
    again = home.say(intent)
    assert_open_question(again)
    assert "delete" in speech_text(again)
    home.say("AMAZON.YesIntent")
    assert not exists(any_store, clock)


@pytest.mark.parametrize("intent", ["AskQuestionIntent", "AMAZON.NextIntent", "ProgressIntent"])
def test_anything_else_cancels_and_a_later_yes_deletes_nothing(home, any_store, clock, intent):
    ask_to_delete(home)
    other = home.say(intent)
    assert "haven't deleted" in speech_text(other)
    assert_open_question(other, max_words=90)  # a request of their own is answered too
    home.say("AMAZON.YesIntent")
    assert exists(any_store, clock)


@pytest.mark.parametrize("line, answer", [("ask us a question", "?"),
                                          ("how are we doing", "Would you like"),
                                          ("play the appreciation game", "appreciation game")])
def test_asking_for_something_else_keeps_the_data_and_answers_that(home, any_store, clock, line, answer):
    ask_to_delete(home)
    response = home.send(nlu.intent_request(nlu.match(line)))
    text = speech_text(response)
    assert text.startswith("I haven't deleted anything.") and answer in text, text
    assert "Would you like a question to talk about, your evening ritual" not in text
    assert_open_question(response, max_words=90)
    assert exists(any_store, clock) and home.attributes.get("flow", {}).get("name") != "forget"


def test_a_yes_after_the_safety_answer_deletes_nothing(home, any_store, clock):
    ask_to_delete(home)
    home.say("SafetyIntent")
    after = home.say("AMAZON.YesIntent")
    assert speech_text(after)
    assert exists(any_store, clock)


def test_a_plain_yes_outside_the_question_deletes_nothing(home, any_store, clock):
    home.say("AMAZON.YesIntent")
    assert exists(any_store, clock)


def test_when_the_database_is_down_it_says_so_and_yes_tries_again(
    dynamo_server, dynamo_table, fault_proxy, proxied_store, containers, clock
):
    talk = Conversation(containers(store=proxied_store, clock=clock), user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    ask_to_delete(talk)
    fault_proxy.inject("503", op="DeleteItem", times=None)
    failed = talk.say("AMAZON.YesIntent")
    assert "couldn't" in speech_text(failed)
    assert_open_question(failed)
    direct = dynamo_server.store(dynamo_table)
    assert exists(direct, clock)
    fault_proxy.clear()
    talk.say("AMAZON.YesIntent")
    assert not exists(direct, clock)


def test_another_device_cannot_bring_deleted_data_back(any_store, containers, clock):
    handler = containers(store=any_store, clock=clock)
    kitchen = Conversation(handler, user_id=HOUSEHOLD)
    bedroom = Conversation(handler, user_id=HOUSEHOLD)
    kitchen.launch()
    kitchen.say(HEARD, id="days-l-01")
    bedroom.launch()  # holds a copy of the record in its session
    ask_to_delete(kitchen)
    kitchen.say("AMAZON.YesIntent")
    answer = bedroom.say(HEARD, id="days-l-02")  # its write finds the record gone
    assert speech_text(answer) and "couldn't save" not in speech_text(answer)
    assert not exists(any_store, clock)


# ---- the skill disabled ------------------------------------------------------------------
def skill_disabled() -> dict:
    event = request("AlexaSkillEvent.SkillDisabled", eventCreationTime="2026-11-26T19:30:00Z",
                    eventPublishingTime="2026-11-26T19:30:01Z",
                    body={"userInformation": {"consentToken": None}})
    return envelope(event, session=None, user_id=HOUSEHOLD)


def test_disabling_the_skill_deletes_the_household_without_a_session(home, any_store, clock, containers):
    handler = containers(store=any_store, clock=clock)
    response = handler(skill_disabled(), None)
    assert "outputSpeech" not in response.get("response", {})
    assert "sessionAttributes" not in response or not response["sessionAttributes"]
    assert not exists(any_store, clock)
    assert any_store.load(set_aside_key(HOUSEHOLD), now=clock()) is None


def test_disabling_the_skill_of_an_unknown_household_is_fine(any_store, clock, containers):
    response = containers(store=any_store, clock=clock)(skill_disabled(), None)
    assert response["version"] == "1.0" and "outputSpeech" not in response.get("response", {})


def test_the_skill_subscribes_to_being_disabled():
    manifest = json.loads((ROOT / "interaction_model" / "skill.json").read_text())["manifest"]
    assert {"eventName": "SKILL_DISABLED"} in manifest["events"]["subscriptions"]
    assert manifest["events"]["endpoint"]["uri"]


# ---- expiry ------------------------------------------------------------------------------
def test_the_table_expires_records_by_expires_at(dynamo_server, dynamo_table):
    ttl = dynamo_server.client.describe_time_to_live(TableName=dynamo_table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at" and ttl["TimeToLiveStatus"] == "ENABLED"


def test_every_saved_turn_sets_expiry_eighteen_months_ahead(dynamo_store, containers, clock):
    talk = Conversation(containers(store=dynamo_store, clock=clock), user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    item = dynamo_store.client.get_item(TableName=dynamo_store.table_name, Key={"household_id": {"S": HOUSEHOLD}})
    expires_at = int(item["Item"]["expires_at"]["N"])
    assert expires_at == int(clock() + RETENTION_SECONDS)
    assert 540 * 86400 < expires_at - clock() < 550 * 86400


def test_a_household_silent_for_eighteen_months_is_forgotten(any_store, containers, clock):
    talk = Conversation(containers(store=any_store, clock=clock), user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    talk.end()
    clock.advance(days=540)
    assert "Welcome to Heart to Heart" not in speech_text(talk.launch())  # remembered: not 18 months yet
    talk.end()
    clock.advance(days=549)
    assert "Welcome to Heart to Heart" in speech_text(talk.launch())
    talk.say(HEARD, id="days-l-02")
    assert set(any_store.load(HOUSEHOLD, now=clock()).data["seen_questions"]) == {"days-l-02"}


# ---- words -------------------------------------------------------------------------------
@pytest.mark.parametrize("phrase", ["delete our data", "forget everything about us", "erase our history",
                                    "delete all our data", "forget about us", "wipe our data"])
def test_couples_can_ask_in_their_own_words(phrase):
    assert nlu.match(phrase).intent == "DeleteDataIntent"


def test_deleting_reminders_is_not_deleting_data():
    assert nlu.match("delete our reminders").intent != "DeleteDataIntent"


def test_nothing_identifying_is_logged_when_forgetting(home, any_store, clock, containers):
    import logging

    from skill.logs import JsonFormatter

    lines = []
    collector = logging.Handler()
    collector.emit = lambda record: lines.append(JsonFormatter().format(record))
    logging.getLogger("heart").addHandler(collector)
    try:
        ask_to_delete(home)
        home.say("AMAZON.YesIntent")
        containers(store=any_store, clock=clock)(skill_disabled(), None)
    finally:
        logging.getLogger("heart").removeHandler(collector)
    assert any('"forget"' in line for line in lines)
    assert not any(HOUSEHOLD in line for line in lines)


def test_thank_you_to_the_question_deletes_nothing_and_asks_nothing_more(home, any_store, clock):
    ask_to_delete(home)
    response = home.send(nlu.intent_request(nlu.match("thank you")))
    text = speech_text(response)
    assert text.startswith("I haven't deleted anything.") and "delete" not in text.split(".", 1)[1]
    home.send(nlu.intent_request(nlu.match("yes")))
    assert exists(any_store, clock)
