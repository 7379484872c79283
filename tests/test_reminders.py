"""Reminders through the Alexa Reminders API, against a local HTTP server standing in
for Alexa (tests/fake_alexa_api.py): it records every call and checks the bearer token.

Covered: voice permission (accepted, denied, not answered), creating daily and weekly
reminders with the payload Alexa expects, asking for what is missing, listing,
cancelling with a confirmation, and API failures spoken kindly with nothing half-done.
The household record never holds anything about reminders."""

from __future__ import annotations

import json

import pytest
from alexa import Conversation, reprompt_text, request, speech_text
from fake_alexa_api import FakeAlexaApi

from skill import alexa_api, nlu

TOKEN = "test-api-token"
DEVICE_TZ = "/v2/devices/amzn1.ask.device.TEST/settings/System.timeZone"
REMINDERS = "/v1/alerts/reminders"
SCOPE = "alexa::alerts:reminders:skill:readwrite"
DAILY_8PM = "FREQ=DAILY;BYHOUR=20;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
SUNDAY_7PM = "FREQ=WEEKLY;BYDAY=SU;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1"


@pytest.fixture
def api():
    with FakeAlexaApi(token=TOKEN) as server:
        server.reply("GET", DEVICE_TZ, 200, "America/Chicago")
        yield server


@pytest.fixture
def couple(handler, api):
    return Conversation(handler, api_endpoint=api.url, api_token=TOKEN)


def hear(talk, text: str) -> dict:
    return talk.send(nlu.intent_request(nlu.match(text)))


def permission_answer(talk, token: str, status: str) -> dict:
    return talk.send(
        request(
            "Connections.Response",
            name="AskFor",
            status={"code": "200", "message": "OK"},
            payload={"status": status, "isCardThrown": False},
            token=token,
        )
    )


def assert_open(response: dict) -> None:
    assert response["response"]["shouldEndSession"] is False and reprompt_text(response)
    assert len(speech_text(response).split()) <= 60


def assert_told(response: dict) -> None:
    assert response["response"]["shouldEndSession"] is True and "reprompt" not in response["response"]
    assert len(speech_text(response).split()) <= 60


def assert_permission_card(response: dict) -> None:
    card = response["response"]["card"]
    assert card["type"] == "AskForPermissionsConsent" and card["permissions"] == [SCOPE]


def record_text(store, talk) -> str:
    stored = store.load(talk.user_id)
    return "" if stored is None else json.dumps(stored.data).lower()


def created(api) -> list[dict]:
    return [call.body for call in api.calls("POST", REMINDERS) if call.status == 201]


# ---- permission and creating ------------------------------------------------------------
def test_permission_accepted_then_the_daily_ritual_reminder_is_created(couple, api, store):
    api.reply("POST", REMINDERS, 201, {"alertToken": "r-1", "status": "ON"})
    api.reply("POST", REMINDERS, 403, {"code": "FORBIDDEN"}, times=1)  # not granted yet
    confirm = hear(couple, "remind us every evening at eight")
    assert_open(confirm)
    assert "evening ritual every day at 8 PM" in speech_text(confirm) and "Shall I set it?" in speech_text(confirm)

    asking = hear(couple, "yes")
    body = asking["response"]
    assert "shouldEndSession" not in body and "reprompt" not in body
    assert "needs your permission" in speech_text(asking)
    [directive] = body["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"] == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
    }
    assert directive["token"] == "reminders:ritual:-:20:00"
    assert couple.open

    done = permission_answer(couple, directive["token"], "ACCEPTED")
    assert_told(done)
    assert "remind you every day at 8 PM about your evening ritual" in speech_text(done)
    [payload] = created(api)
    assert payload == {
        "requestTime": "2026-11-26T13:30:00.000",
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "scheduledTime": "2026-11-26T20:00:00.000",
            "timeZoneId": "America/Chicago",
            "recurrence": {"startDateTime": "2026-11-26T20:00:00.000", "recurrenceRules": [DAILY_8PM]},
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": payload["alertInfo"]["spokenInfo"][
            "content"][0]["text"]}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    label = payload["alertInfo"]["spokenInfo"]["content"][0]["text"]
    assert "evening ritual" in label and "alexa" not in label.lower()  # a reminder must not wake devices
    assert all(call.bearer == TOKEN for call in api.requests)
    assert "remind" not in record_text(store, couple) and "r-1" not in record_text(store, couple)


def test_a_weekly_check_in_reminder_when_permission_is_already_granted(couple, api, store):
    api.reply("POST", REMINDERS, 201, {"alertToken": "r-2"})
    confirm = hear(couple, "remind us to check in every sunday at seven")
    assert "check-in every Sunday at 7 PM" in speech_text(confirm)
    done = hear(couple, "yes")
    assert_told(done)
    [payload] = created(api)
    assert payload["trigger"]["recurrence"] == {"startDateTime": "2026-11-29T19:00:00.000",
                                                "recurrenceRules": [SUNDAY_7PM]}
    assert "check-in" in payload["alertInfo"]["spokenInfo"]["content"][0]["text"]


@pytest.mark.parametrize("status, words", [("DENIED", "No problem"), ("NOT_ANSWERED", "didn't hear an answer")])
def test_permission_denied_or_unanswered_sends_the_card_and_carries_on(couple, api, store, status, words):
    api.reply("POST", REMINDERS, 403, {"code": "FORBIDDEN"})
    hear(couple, "remind us every night at nine pm")
    token = hear(couple, "yes")["response"]["directives"][0]["token"]
    answer = permission_answer(couple, token, status)
    assert_open(answer)
    assert words in speech_text(answer) and "Alexa app" in speech_text(answer)
    assert_permission_card(answer)
    assert len(api.calls("POST", REMINDERS)) == 1  # nothing more was tried
    assert "question" in speech_text(answer)  # and carries on: the main choices follow
    assert "remind" not in record_text(store, couple)


def test_still_no_permission_after_accepting_is_explained(couple, api):
    api.reply("POST", REMINDERS, 401, {"code": "UNAUTHORIZED"})
    answer = permission_answer(couple, "reminders:checkin:FR:19:30", "ACCEPTED")
    assert_told(answer)
    assert "permission" in speech_text(answer)
    assert_permission_card(answer)
    [call] = api.calls("POST", REMINDERS)
    assert call.body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=19;BYMINUTE=30;BYSECOND=0;INTERVAL=1"
    ]


def test_a_connections_response_with_another_token_is_not_ours(couple, api):
    response = permission_answer(couple, "timers:ritual", "ACCEPTED")
    assert api.calls("POST", REMINDERS) == []
    assert "reminder" not in speech_text(response).lower()


# ---- asking for what is missing ------------------------------------------------------------
def test_missing_activity_day_and_time_are_asked_for_not_guessed(couple, api):
    api.reply("POST", REMINDERS, 201, {"alertToken": "r-3"})
    which = hear(couple, "remind us")
    assert_open(which)
    assert "evening ritual, or your weekly check-in" in speech_text(which)
    day = hear(couple, "the check in")
    assert_open(day)
    assert "Which day" in speech_text(day)
    time = hear(couple, "on sunday")
    assert_open(time)
    assert "What time" in speech_text(time)
    confirm = hear(couple, "eight")  # a bare number: the evening
    assert "check-in every Sunday at 8 PM" in speech_text(confirm)
    again = hear(couple, "no")
    assert_open(again)
    assert "What time would suit you better" in speech_text(again)
    confirm = hear(couple, "at seven am")  # after a "no", times are taken as said
    assert "every Sunday at 7 AM" in speech_text(confirm)
    assert api.calls("POST", REMINDERS) == []
    assert_told(hear(couple, "yes"))
    [payload] = created(api)
    assert payload["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=7;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]


def test_a_time_of_day_without_a_clock_time_is_asked_for(couple, api):
    couple.say("SetReminderIntent", activity=("ritual", "ritual"), time="EV")  # "in the evening"
    assert "What time" in couple.text
    confirm = hear(couple, "at eight thirty pm")
    assert "every day at 8:30 PM" in speech_text(confirm)
    cancelled = hear(couple, "cancel")
    assert_open(cancelled)
    assert api.calls("POST", REMINDERS) == []


# ---- listing and cancelling ------------------------------------------------------------
ALERTS = {
    "totalCount": "3",
    "alerts": [
        {"alertToken": "r-1", "status": "ON", "trigger": {"type": "SCHEDULED_ABSOLUTE",
         "recurrence": {"recurrenceRules": [DAILY_8PM]}}},
        {"alertToken": "r-2", "status": "ON", "trigger": {"type": "SCHEDULED_ABSOLUTE",
         "scheduledTime": "2026-11-29T19:00:00.000", "recurrence": {"freq": "WEEKLY", "byDay": ["SU"]}}},
        {"alertToken": "r-0", "status": "COMPLETED", "trigger": {"type": "SCHEDULED_ABSOLUTE",
         "scheduledTime": "2026-11-20T19:00:00.000"}},
    ],
}


def test_listing_speaks_each_reminder_briefly(couple, api):
    api.reply("GET", REMINDERS, 200, ALERTS)
    response = hear(couple, "what reminders do we have")
    assert_told(response)
    assert speech_text(response) == (
        "You have 2 reminders from Heart to Heart: every day at 8 PM and every Sunday at 7 PM."
    )
    assert api.last.bearer == TOKEN


def test_listing_with_none_or_without_permission(couple, api):
    api.reply("GET", REMINDERS, 200, {"totalCount": "0", "alerts": []})
    none = hear(couple, "do we have any reminders")
    assert_open(none)
    assert "don't have any reminders" in speech_text(none)
    api.reply("GET", REMINDERS, 403, {"code": "FORBIDDEN"})
    refused = hear(couple, "list our reminders")
    assert_open(refused)
    assert "doesn't have permission" in speech_text(refused)
    assert_permission_card(refused)


def test_cancelling_asks_first_then_deletes_each_of_our_reminders(couple, api, store):
    api.reply("GET", REMINDERS, 200, ALERTS)
    api.reply("DELETE", REMINDERS + "/", 200, None)
    confirm = hear(couple, "stop reminding us")
    assert_open(confirm)
    assert "2 reminders from me" in speech_text(confirm) and "delete them all" in speech_text(confirm)
    assert api.calls("DELETE") == []
    done = hear(couple, "yes")
    assert_told(done)
    assert "won't remind you" in speech_text(done)
    assert sorted(call.path for call in api.calls("DELETE")) == [REMINDERS + "/r-1", REMINDERS + "/r-2"]
    assert all(call.bearer == TOKEN for call in api.calls("DELETE"))


def test_saying_no_keeps_the_reminders(couple, api):
    api.reply("GET", REMINDERS, 200, ALERTS)
    hear(couple, "cancel our reminders")
    kept = hear(couple, "no")
    assert_open(kept)
    assert "kept your reminders" in speech_text(kept)
    assert api.calls("DELETE") == []


def test_cancelling_with_nothing_to_cancel(couple, api):
    api.reply("GET", REMINDERS, 200, {"alerts": []})
    response = hear(couple, "stop reminding us")
    assert "don't have any reminders" in speech_text(response)


# ---- failures ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_api_error_on_create_is_spoken_kindly_and_nothing_is_half_done(couple, api, store, status):
    api.reply("POST", REMINDERS, status, {"code": "INTERNAL_SERVER_ERROR"})
    hear(couple, "remind us every evening at eight")
    before = record_text(store, couple)
    response = hear(couple, "yes")
    assert_told(response)
    assert "couldn't reach" in speech_text(response) and "nothing has changed" in speech_text(response)
    assert record_text(store, couple) == before and "remind" not in before


def test_a_timeout_is_spoken_kindly(couple, api, monkeypatch):
    import time

    monkeypatch.setattr(alexa_api, "TIMEOUT_S", 0.2)
    api.reply("GET", REMINDERS, 200, lambda call: time.sleep(1.0) or {"alerts": []})
    response = hear(couple, "what reminders do we have")
    assert_told(response)
    assert "couldn't reach" in speech_text(response)


def test_an_unreachable_api_is_spoken_kindly(handler):
    talk = Conversation(handler, api_endpoint="http://127.0.0.1:9")
    response = hear(talk, "stop reminding us")
    assert_told(response)
    assert "couldn't reach" in speech_text(response)


def test_a_failed_delete_says_how_many_went(couple, api):
    api.reply("GET", REMINDERS, 200, ALERTS)
    api.reply("DELETE", REMINDERS + "/", 200, None)
    api.reply("DELETE", REMINDERS + "/r-2", 500, {"code": "INTERNAL_SERVER_ERROR"})
    hear(couple, "stop reminding us")
    response = hear(couple, "yes")
    assert_told(response)
    assert "deleted 1 of your 2 reminders" in speech_text(response)


def test_help_inside_the_reminder_questions(couple):
    hear(couple, "remind us")
    response = hear(couple, "help")
    assert_open(response)
    assert "evening ritual or your weekly check-in" in speech_text(response)


# ---- what couples actually say ------------------------------------------------------------
def labelled(alert: dict, activity: str) -> dict:
    from skill.speech import Speech

    text = Speech("en-US").say(f"reminders.label.{activity}")
    return {**alert, "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": text}]}}}


def test_the_same_reminder_twice_is_not_set_twice(couple, api):
    api.reply("GET", REMINDERS, 200, {"alerts": [labelled(ALERTS["alerts"][0], "ritual")]})
    api.reply("POST", REMINDERS, 201, {"alertToken": "r-9"})
    hear(couple, "remind us every evening at eight")
    response = hear(couple, "yes")
    assert_told(response)
    assert "already have that reminder, every day at 8 PM" in speech_text(response)
    assert api.calls("POST", REMINDERS) == []
    hear(couple, "remind us every evening at nine")  # another time is another reminder
    assert_told(hear(couple, "yes"))
    assert len(created(api)) == 1


def test_listing_and_cancelling_say_what_each_reminder_is_for(couple, api):
    alerts = [labelled(ALERTS["alerts"][0], "ritual"), labelled(ALERTS["alerts"][1], "checkin")]
    api.reply("GET", REMINDERS, 200, {"alerts": alerts})
    listed = speech_text(hear(couple, "what reminders do we have"))
    assert listed == ("You have 2 reminders from Heart to Heart: every day at 8 PM, for your evening ritual "
                      "and every Sunday at 7 PM, for your check-in.")
    assert "every Sunday at 7 PM, for your check-in" in speech_text(hear(couple, "stop reminding us"))


def test_a_day_that_is_not_one_weekday_is_explained_not_dropped(couple, api):
    couple.say("SetReminderIntent", activity=("check in", "checkin"), day="monday and thursday", time="08:00")
    assert couple.text.startswith("I can remind you every day, or on one day each week.")
    assert "Which day" in couple.text and couple.open
    couple.end()
    couple.say("SetReminderIntent", day="weekday", time="08:00")  # "every weekday at eight"
    assert couple.text.startswith("I can remind you every day, or on one day each week.")
    assert "every day at 8 PM. Shall I set it?" in couple.text


def test_an_answer_that_is_not_understood_hears_the_question_again(couple, api):
    hear(couple, "remind us")
    hear(couple, "the check in")
    for line in ("banana", "yes", "seven"):
        response = hear(couple, line)
        assert_open(response)
        assert speech_text(response) == "Sorry, I didn't get that. Say a day, like on Sunday.", line
    assert "What time" in speech_text(hear(couple, "on sunday")) and couple.open
    assert "Say a time" in speech_text(hear(couple, "banana"))
    assert "every Sunday at 7 PM" in speech_text(hear(couple, "seven"))


def test_a_list_that_cannot_be_read_does_not_talk_of_changes(couple, api):
    api.reply("GET", REMINDERS, 500, {"code": "INTERNAL_SERVER_ERROR"})
    response = hear(couple, "what reminders do we have")
    assert "couldn't reach" in speech_text(response) and "changed" not in speech_text(response)


@pytest.mark.parametrize("line, slots", [
    ("remind us to check in on sunday evenings", {"activity": "checkin", "day": "SU"}),
    ("remind us to check in on friday", {"activity": "checkin", "day": "FR"}),
    ("let's say nine pm", {"time": "21:00"}),
    ("how about half past eight", {"time": "08:30"}),
])
def test_couples_wording_for_reminders(line, slots):
    result = nlu.match(line)
    assert result.intent == "SetReminderIntent"
    heard = {name: (value.resolved_id or value.value) for name, value in result.slots.items()}
    assert heard == slots


def test_thank_you_while_a_reminder_is_set_up_hears_the_question_again(couple):
    hear(couple, "remind us")
    response = hear(couple, "thank you")
    assert_open(response)
    assert speech_text(response) == "You're welcome. Say the evening ritual, or the check-in."
