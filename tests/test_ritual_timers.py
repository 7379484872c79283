"""Timers in the ritual: permission granted, denied, not answered, declined, already
given, or the API failing, each checked at a local stand-in for the Alexa API
(payload and bearer token). Without a timer the ritual is exactly the same."""

from __future__ import annotations

import pytest
from alexa import request
from fake_alexa_api import FakeAlexaApi
from ritual_helpers import CheckedConversation, ritual

from skill import timers

TOKEN = "test-api-token"
TIMERS = "/v1/alerts/timers"
OFFER = "Shall I set a timer for each talk"


@pytest.fixture
def api():
    with FakeAlexaApi(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def talk(handler, api):
    return CheckedConversation(handler, api_endpoint=api.url, api_token=TOKEN)


def permission_answer(talk, status: str, token: str = "ritual:timers", code: str = "200"):
    return talk.send(
        request(
            "Connections.Response",
            name="AskFor",
            status={"code": code, "message": "OK"},
            token=token,
            payload={"permissionScope": timers.PERMISSION_SCOPE, "status": status},
        )
    )


def to_the_offer(talk, api):
    """Start, and "next" into the first talk while the permission is missing."""
    api.reply("POST", TIMERS, 401, {"code": "UNAUTHORIZED"})
    talk.say("StartRitualIntent")
    talk.say("AMAZON.NextIntent")
    assert OFFER in talk.text and "I'll need your permission" in talk.text and talk.open
    assert len(api.calls("POST", TIMERS)) == 1


def assert_timer_posted(call, minutes: int):
    assert call.bearer == TOKEN and call.status == 201
    body = call.body
    assert body["duration"] == f"PT{minutes}M" and body["timerLabel"] == "Heart to Heart"
    assert body["creationBehavior"] == {"displayExperience": {"visibility": "VISIBLE"}}
    operation = body["triggeringBehavior"]["operation"]
    assert operation["type"] == "ANNOUNCE"
    assert operation["textToAnnounce"][0]["locale"] == "en-US"
    assert "ask heart to heart to go on" in operation["textToAnnounce"][0]["text"]
    assert body["triggeringBehavior"]["notificationConfig"] == {"playAudible": True}


def test_permission_granted_sets_a_timer_for_each_talk(talk, api, store):
    to_the_offer(talk, api)
    talk.say("AMAZON.YesIntent")
    (directive,) = talk.last["response"]["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["token"] == "ritual:timers"
    assert directive["payload"]["permissionScopes"] == [
        {"permissionScope": "alexa::alerts:timers:skill:readwrite", "consentLevel": "ACCOUNT"}
    ]
    assert "shouldEndSession" not in talk.last["response"] and talk.open

    api.reply("POST", TIMERS, 201, {"id": "timer-1", "status": "ON"})  # the permission now exists
    permission_answer(talk, "ACCEPTED")
    assert "Now, your days." in talk.text and "I've set a timer for 2 minutes." in talk.text
    assert not talk.open and ritual(store)["step"] == 1
    assert_timer_posted(api.calls("POST", TIMERS)[-1], 2)

    talk.say("AMAZON.ResumeIntent")  # the next talk, in a new session: no question asked
    assert "Now swap." in talk.text and "I've set a timer for 2 minutes." in talk.text
    assert_timer_posted(api.calls("POST", TIMERS)[-1], 2)
    assert len(api.calls("POST", TIMERS)) == 3


@pytest.mark.parametrize("status, said", [("DENIED", "Okay, no timers tonight."),
                                          ("NOT_ANSWERED", "Okay, we'll go on without a timer.")])
def test_permission_denied_or_not_answered_goes_on_without_a_timer(talk, api, store, status, said):
    to_the_offer(talk, api)
    talk.say("AMAZON.YesIntent")
    permission_answer(talk, status)
    assert talk.text.startswith(said) and "Now, your days." in talk.text
    assert "timer for" not in talk.text and not talk.open and ritual(store)["step"] == 1
    assert len(api.calls("POST", TIMERS)) == 1  # nothing tried after the answer

    talk.say("AMAZON.ResumeIntent")  # later talks: the answer is kept for the evening
    assert "Now swap." in talk.text and OFFER not in talk.text and "timer" not in talk.text
    assert len(api.calls("POST", TIMERS)) == 1


def test_a_failed_permission_request_counts_as_not_answered(talk, api, store):
    to_the_offer(talk, api)
    talk.say("AMAZON.YesIntent")
    permission_answer(talk, "ACCEPTED", code="500")
    assert talk.text.startswith("Okay, we'll go on without a timer.") and ritual(store)["step"] == 1


def test_no_to_the_offer_goes_on_without_a_timer(talk, api, store):
    to_the_offer(talk, api)
    talk.say("AMAZON.NoIntent")
    assert talk.text.startswith("Okay, no timers tonight.") and "Now, your days." in talk.text
    assert not talk.open and len(api.calls("POST", TIMERS)) == 1


@pytest.mark.parametrize("intent", ["AMAZON.NextIntent", "SkipIntent"])
def test_moving_on_from_the_offer_skips_the_timer(talk, api, store, intent):
    to_the_offer(talk, api)
    talk.say(intent)
    assert "Now, your days." in talk.text and "timer" not in talk.text and ritual(store)["step"] == 1
    assert len(api.calls("POST", TIMERS)) == 1


def test_navigation_at_the_offer(talk, api, store):
    to_the_offer(talk, api)
    offer = talk.text
    talk.say("AMAZON.RepeatIntent")
    assert talk.text == offer and talk.open
    talk.say("AMAZON.HelpIntent")
    assert "evening ritual" in talk.text and talk.open
    talk.say("AMAZON.PreviousIntent")
    assert "take your phones to another room" in talk.text and ritual(store)["step"] == 0 and talk.open
    talk.say("AMAZON.PauseIntent")
    assert not talk.open and ritual(store)["step"] == 0


def test_permission_already_given_sets_the_timer_without_asking(talk, api, store):
    api.reply("POST", TIMERS, 201, {"id": "timer-1", "status": "ON"})
    talk.say("StartRitualIntent", length=("full", "full"))
    talk.say("AMAZON.NextIntent")
    assert OFFER not in talk.text and "I've set a timer for 5 minutes." in talk.text and not talk.open
    assert_timer_posted(api.calls("POST", TIMERS)[-1], 5)


def test_without_a_timer_the_ritual_says_exactly_the_same(make_handler, store, clock, api):
    api.reply("POST", TIMERS, 201, {"id": "timer-1", "status": "ON"})
    with_timer = CheckedConversation(make_handler(store, clock), api_endpoint=api.url, api_token=TOKEN)
    without = CheckedConversation(make_handler(store, clock), user_id="amzn1.ask.account.NOTIMERS")
    said = []
    for talk in (with_timer, without):
        talk.say("StartRitualIntent")
        talk.say("AMAZON.NextIntent")
        said.append(talk.text)
    assert said[0] == said[1].replace(" When you're ready", " I've set a timer for 2 minutes. When you're ready", 1)


def test_an_api_error_or_refused_token_means_no_timer_and_no_question(make_handler, store, clock, api):
    api.reply("POST", TIMERS, 500, {"code": "INTERNAL_ERROR"})
    talk = CheckedConversation(make_handler(store, clock), api_endpoint=api.url, api_token=TOKEN)
    talk.say("StartRitualIntent")
    talk.say("AMAZON.NextIntent")
    assert OFFER not in talk.text and "timer" not in talk.text and ritual(store)["step"] == 1
    # A token the API does not accept is a missing permission: 401, so the offer.
    other = CheckedConversation(make_handler(store, clock), user_id="amzn1.ask.account.OTHER",
                                api_endpoint=api.url, api_token="stale-token")
    other.say("StartRitualIntent")
    other.say("AMAZON.NextIntent")
    assert OFFER in other.text and api.last.status == 401 and api.last.bearer == "stale-token"


def test_a_granted_permission_with_a_failing_api_says_so(talk, api, store):
    to_the_offer(talk, api)
    talk.say("AMAZON.YesIntent")
    api.reply("POST", TIMERS, 503, {"code": "UNAVAILABLE"})
    permission_answer(talk, "ACCEPTED")
    assert "I couldn't set a timer this time" in talk.text and "Now, your days." in talk.text


def test_the_answer_in_a_fresh_session_still_goes_on(talk, api, store):
    to_the_offer(talk, api)
    talk.say("AMAZON.YesIntent")
    talk.session = None  # Alexa's answer arrives without our session attributes
    api.reply("POST", TIMERS, 201, {"id": "timer-1", "status": "ON"})
    permission_answer(talk, "ACCEPTED")
    assert "Now, your days." in talk.text and "I've set a timer for 2 minutes." in talk.text


def test_other_features_permission_answers_are_not_ours(talk, api):
    talk.launch()
    permission_answer(talk, "ACCEPTED", token="reminders:ritual:-:20:00")
    assert "Now, your days." not in talk.text


@pytest.mark.parametrize("answer", ["AMAZON.NoIntent", "AMAZON.NextIntent"])
def test_once_answered_the_offer_is_not_made_again_that_evening(talk, api, store, answer):
    """Going back to the first talk, or starting tonight's ritual over, in a new session."""
    to_the_offer(talk, api)
    talk.say(answer)
    talk.say("AMAZON.ResumeIntent")
    assert "Now swap." in talk.text
    talk.say("AMAZON.PreviousIntent")  # "Alexa, ask heart to heart to go back"
    assert "Now, your days." in talk.text and OFFER not in talk.text and not talk.open
    talk.say("AMAZON.StartOverIntent")
    talk.say("AMAZON.NextIntent")
    assert "Now, your days." in talk.text and OFFER not in talk.text
    assert ritual(store)["timers"] in ("declined", "asked")
