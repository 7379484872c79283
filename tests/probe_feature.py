"""Helpers for the persistence tests.

``probe_feature``'s handlers change the record the way real features do (a question
heard, a ritual completed) but with ids the test chooses, so a test can tell exactly
which change survived. The ``containers`` fixture gives fresh Lambda containers:
``lambda/app.py`` imported anew, its skill built from the environment (HEART_TABLE +
AWS_ENDPOINT_URL_DYNAMODB, as on Lambda) or on a given store and clock, with the
probe registered in front of the real features.
"""

from __future__ import annotations

import sys
import time
import uuid

import pytest
from alexa import SKILL_ID, load_lambda_module
from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.app import build_skill
from skill.config import Settings
from skill.turn import Turn, intent_is

HEARD = "ProbeHeardIntent"
RITUAL_DONE = "ProbeRitualDoneIntent"


class _HeardHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, HEARD)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        seen = turn.record.setdefault("seen_questions", {})
        seen[turn.slot("id")] = seen.get(turn.slot("id"), 0) + 1
        turn.household.changed()
        return turn.ask(turn.say("next.nothing"), turn.say("menu.reprompt"))


class _RitualDoneHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, RITUAL_DONE)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        turn.record.setdefault("rituals_done", {})[turn.slot("id")] = turn.household.today()
        turn.household.changed()
        return turn.ask(turn.say("next.nothing"), turn.say("menu.reprompt"))


HANDLERS = [_HeardHandler(), _RitualDoneHandler()]


@pytest.fixture
def with_probe(monkeypatch):
    """Register the probe feature (before the real ones) for skills built from now on."""
    import skill.handlers as handlers

    monkeypatch.setattr(handlers, "FEATURE_MODULES", (sys.modules[__name__], *handlers.FEATURE_MODULES))


@pytest.fixture
def containers(with_probe, monkeypatch, tmp_path):
    monkeypatch.setenv("HEART_SKILL_ID", SKILL_ID)
    monkeypatch.setenv("HEART_DB_PATH", str(tmp_path / "unused.sqlite3"))
    monkeypatch.delenv("HEART_TABLE", raising=False)

    def container(*, table: str | None = None, endpoint: str | None = None, store=None, clock=None):
        """A Lambda handler as a fresh container would run it."""
        if table:
            monkeypatch.setenv("HEART_TABLE", table)
            monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        module = load_lambda_module(f"heart_lambda_{uuid.uuid4().hex}")
        if store is not None or clock is not None:
            module.SKILL = build_skill(
                store or module.SKILL.household_store, settings=Settings.from_env(), clock=clock or time.time
            )
        return module.handler

    return container
