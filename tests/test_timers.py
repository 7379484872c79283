"""skill.timers against a real local HTTP server standing in for the Alexa API, and the
fake API itself (the reminders tests reuse it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from fake_alexa_api import FakeAlexaApi

from skill import timers
from skill.alexa_api import AlexaApi

TOKEN = "test-api-token"


@pytest.fixture
def api():
    with FakeAlexaApi(token=TOKEN) as fake:
        yield fake


def test_timer_body_is_a_visible_announcing_timer():
    body = timers.timer_body(5, "Heart to Heart", "Time to move on.", "en-GB")
    assert body == {
        "duration": "PT5M",
        "timerLabel": "Heart to Heart",
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            "operation": {"type": "ANNOUNCE", "textToAnnounce": [{"locale": "en-GB", "text": "Time to move on."}]},
            "notificationConfig": {"playAudible": True},
        },
    }
    assert timers.iso_duration(25) == "PT25M"


def test_permission_request_asks_for_the_timers_scope():
    directive = timers.permission_request("ritual:timers")
    assert directive.object_type == "Connections.SendRequest" and directive.name == "AskFor"
    assert directive.token == "ritual:timers"
    assert directive.payload == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": "alexa::alerts:timers:skill:readwrite", "consentLevel": "ACCOUNT"}],
    }


def test_set_timer_posts_with_the_bearer_token(api):
    api.reply("POST", "/v1/alerts/timers", 200, {"id": "timer-1", "status": "ON"})
    outcome = timers.set_timer(AlexaApi(api.url, TOKEN), 2, "Heart to Heart", "Time's up.", "en-US")
    assert outcome == timers.SET
    (call,) = api.requests
    assert (call.method, call.path, call.bearer, call.status) == ("POST", "/v1/alerts/timers", TOKEN, 200)
    assert call.headers["content-type"] == "application/json"
    assert call.body == timers.timer_body(2, "Heart to Heart", "Time's up.", "en-US")


@pytest.mark.parametrize("status, outcome", [(401, timers.NO_PERMISSION), (403, timers.NO_PERMISSION),
                                             (500, timers.FAILED), (429, timers.FAILED)])
def test_refusals(api, status, outcome):
    api.reply("POST", "/v1/alerts/timers", status, {"code": "X"})
    assert timers.set_timer(AlexaApi(api.url, TOKEN), 2, "l", "a", "en-US") == outcome


def test_a_wrong_token_is_a_missing_permission(api):
    api.reply("POST", "/v1/alerts/timers", 200, {"id": "t"})
    assert timers.set_timer(AlexaApi(api.url, "someone-else"), 2, "l", "a", "en-US") == timers.NO_PERMISSION
    assert api.requests[0].status == 401


def test_no_api_or_no_server_means_no_timer():
    assert timers.set_timer(None, 2, "l", "a", "en-US") == timers.FAILED
    assert timers.set_timer(AlexaApi(None, None), 2, "l", "a", "en-US") == timers.FAILED
    fake = FakeAlexaApi().start()
    url = fake.url
    fake.stop()
    assert timers.set_timer(AlexaApi(url, TOKEN), 2, "l", "a", "en-US") == timers.FAILED


# ---- the fake Alexa API ---------------------------------------------------------------------
def _call(api, method, path, body=None, token=TOKEN):
    request = urllib.request.Request(
        api.url + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as reply:
            raw = reply.read()
            return reply.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_fake_api_scripts_override_count_and_compute(api):
    api.reply("GET", "/v1/alerts/reminders", 200, {"alerts": []})
    api.reply("GET", "/v1/alerts/reminders/abc", 200, {"alertToken": "abc"}, times=1)
    api.reply("POST", "/v1/alerts/reminders", 201, lambda req: {"alertToken": req.body["token"]})
    assert _call(api, "GET", "/v1/alerts/reminders/abc") == (200, {"alertToken": "abc"})
    assert _call(api, "GET", "/v1/alerts/reminders/abc") == (200, {"alerts": []})  # used up: the prefix rule
    assert _call(api, "POST", "/v1/alerts/reminders", {"token": "t9"}) == (201, {"alertToken": "t9"})
    assert _call(api, "DELETE", "/v1/alerts/reminders/abc")[0] == 404
    assert _call(api, "GET", "/v1/alerts/reminders?x=1", token=None)[0] == 401
    assert [r.method for r in api.calls(path_prefix="/v1/alerts/reminders")] == ["GET", "GET", "POST", "DELETE", "GET"]
    assert api.last.query == {"x": ["1"]} and api.last.bearer is None
    assert len(api.calls("GET")) == 3
    api.clear()
    assert api.requests == [] and api.last is None


def test_fake_api_can_skip_the_token_check():
    with FakeAlexaApi(token=None) as api:
        api.reply("DELETE", "/v1/alerts/timers", 200, None)
        assert _call(api, "DELETE", "/v1/alerts/timers", token=None) == (200, None)
