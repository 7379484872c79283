"""Dates follow the couple's own clock, learned once from the device's settings."""

from __future__ import annotations

from alexa import Conversation, speech_text
from fake_alexa_api import FakeAlexaApi

from skill import state

DEVICE_TZ = "/v2/devices/amzn1.ask.device.TEST/settings/System.timeZone"


def test_first_visit_keeps_its_welcome_when_the_time_zone_is_learned(handler, store):
    with FakeAlexaApi(token="test-api-token") as api:
        api.reply("GET", DEVICE_TZ, 200, "America/Chicago")
        talk = Conversation(handler, api_endpoint=api.url)
        first = talk.launch()
        assert "Welcome to Heart to Heart. I help" in speech_text(first)
        assert [r.path for r in api.requests] == [DEVICE_TZ]
        talk.say("AMAZON.StopIntent")
        stored = store.load(talk.user_id)
        assert state.lww_value(stored.data["time_zone"]) == "America/Chicago"
        talk.launch()
        assert "Welcome to Heart to Heart. I help" not in talk.text
        assert len(api.requests) == 1, "the time zone is asked for once per household"


def test_a_late_evening_counts_on_the_local_day(make_handler, store, clock):
    clock.advance(hours=9)  # 2026-11-27 04:30 UTC is still the 26th, 22:30, in Chicago
    handler = make_handler(store, clock)
    with FakeAlexaApi(token="test-api-token") as api:
        api.reply("GET", DEVICE_TZ, 200, "America/Chicago")
        talk = Conversation(handler, api_endpoint=api.url)
        talk.launch()
        talk.say("AMAZON.StopIntent")
    record = store.load(talk.user_id).data
    assert record["last_active"] == "2026-11-26"


def test_without_a_time_zone_dates_are_utc(make_handler, store, clock):
    clock.advance(hours=9)
    talk = Conversation(make_handler(store, clock))
    talk.launch()
    talk.say("AMAZON.StopIntent")
    assert store.load(talk.user_id).data["last_active"] == "2026-11-27"
