"""The Lambda entry point answers every request with valid Alexa JSON, never raising."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from alexa import ROOT, SKILL_ID, Conversation, envelope, intent_request, request, speech_text

BUILT_INS = [
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent",
    "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
    "AMAZON.StartOverIntent",
]


def assert_valid(response: dict, *, speech: bool = True) -> None:
    assert response["version"] == "1.0"
    body = response["response"]
    if speech:
        assert speech_text(response), response
        assert isinstance(body["shouldEndSession"], bool)
        if body["shouldEndSession"] is False:
            assert body["reprompt"]["outputSpeech"]["ssml"].startswith("<speak>")
    json.dumps(response)
    assert len(json.dumps(response)) < 24_000


def test_launch_first_visit_then_returning(talk, clock):
    first = talk.launch()
    assert_valid(first)
    assert "Welcome to Heart to Heart" in speech_text(first)
    talk.say("AMAZON.StopIntent")
    clock.advance(days=1)
    again = talk.launch()
    assert_valid(again)
    assert "Welcome to Heart to Heart. I help" not in speech_text(again)


@pytest.mark.parametrize("intent", BUILT_INS)
def test_built_in_intents_in_a_fresh_session(talk, intent):
    talk.launch()
    response = talk.say(intent)
    assert_valid(response)


@pytest.mark.parametrize("intent", BUILT_INS)
def test_built_in_intents_as_one_shots(talk, intent):
    response = talk.say(intent)
    assert_valid(response)


def test_help_stop_cancel_and_fallback_leave_no_dead_end(talk):
    talk.launch()
    assert "question" in speech_text(talk.say("AMAZON.HelpIntent"))
    assert "professional help" in talk.text
    fallback = talk.say("AMAZON.FallbackIntent")
    assert fallback["response"]["shouldEndSession"] is False
    assert "didn't catch" in speech_text(fallback)
    assert talk.say("AMAZON.CancelIntent")["response"]["shouldEndSession"] is True
    talk.launch()
    assert talk.say("AMAZON.StopIntent")["response"]["shouldEndSession"] is True


def test_repeat_says_the_last_thing_again(talk):
    talk.launch()
    help_text = speech_text(talk.say("AMAZON.HelpIntent"))
    assert speech_text(talk.say("AMAZON.RepeatIntent")) == help_text


@pytest.mark.parametrize("reason", ["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
def test_session_ended_is_answered_quietly(talk, reason):
    talk.launch()
    response = talk.end(reason)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]


@pytest.mark.parametrize(
    "kind", ["AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillPermissionAccepted", "System.ExceptionEncountered"]
)
def test_other_request_types_get_an_empty_valid_response(handler, kind):
    response = handler(envelope(request(kind), session=None), None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"version": "1.0"},
        {"version": "1.0", "request": {"type": "LaunchRequest"}},
        "not json at all",
        {"version": "1.0", "context": {"System": {}}, "request": {"type": "IntentRequest", "intent": 7}},
        {"version": "1.0", "context": "nope", "request": []},
    ],
)
def test_malformed_envelopes_get_valid_alexa_json(handler, event):
    response = handler(event, None)
    assert_valid(response)
    assert response["response"]["shouldEndSession"] is True


def test_requests_from_another_skill_are_refused(handler, store):
    other = envelope(request("LaunchRequest"), session=None, skill_id="amzn1.ask.skill.someone-else")
    response = handler(other, None)
    assert_valid(response)
    assert "can't answer" in speech_text(response)
    assert store.stats.reads == 0 and store.stats.writes == 0


def test_an_unknown_intent_still_gets_a_kind_answer(talk):
    talk.launch()
    response = talk.send(intent_request("SomethingNewIntent"))
    assert_valid(response)
    assert response["response"]["shouldEndSession"] is False


def test_a_failing_handler_still_speaks_and_keeps_the_session(talk, monkeypatch):
    from skill.handlers import builtins

    def broken(self, handler_input):
        raise RuntimeError("boom")

    monkeypatch.setattr(builtins.HelpHandler, "handle", broken)
    talk.launch()
    response = talk.say("AMAZON.HelpIntent")
    assert_valid(response)
    assert "went wrong" in speech_text(response)
    assert response["response"]["shouldEndSession"] is False
    assert_valid(talk.say("AMAZON.StopIntent"))


def test_progress_persists_across_sessions(talk, store):
    talk.launch()
    talk.say("AMAZON.StopIntent")
    assert store.load(talk.user_id) is not None


def test_lambda_path_imports_no_web_stack():
    code = (
        "import sys, importlib.util, os;"
        f"sys.path.insert(0, {str(ROOT)!r});"
        "os.environ['HEART_DB_PATH']=':memory:';"
        f"spec=importlib.util.spec_from_file_location('app', {str(ROOT / 'lambda' / 'app.py')!r});"
        "m=importlib.util.module_from_spec(spec); spec.loader.exec_module(m);"
        "bad=[n for n in sys.modules if n.split('.')[0] in "
        "('flask','flask_ask_sdk','ask_sdk_webservice_support','werkzeug','cryptography','certvalidator','oscrypto','boto3','botocore','skill.web')"
        " or n.startswith('skill.web') or n in ('skill.nlu','skill.console')];"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
