"""Shared fixtures: a movable clock, stores, the Lambda handler and conversations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# No test may reach AWS: a stray boto3 call fails fast instead of hanging.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("HEART_TABLE", None)

import socketserver  # noqa: E402

# Several tests break connections on purpose (injected resets, client timeouts, servers
# stopped at the end of the run); the local test servers' "Exception occurred during
# processing of request" tracebacks for those are noise after the test summary.
socketserver.BaseServer.handle_error = lambda self, request, client_address: None

from alexa import SKILL_ID, Conversation, load_lambda_module  # noqa: E402

from skill.app import build_skill  # noqa: E402
from skill.config import Settings  # noqa: E402
from skill.persistence.embedded import SqliteStore  # noqa: E402

# DynamoDB over HTTP (moto's server, table from template.yaml) and a fault proxy before it.
from dynamo_server import *  # noqa: E402,F401,F403
from fault_proxy import *  # noqa: E402,F401,F403


class FakeClock:
    """Time the tests can move: 2026-11-26 19:30 UTC, a Thursday evening."""

    def __init__(self, start: float = 1795721400.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0) -> None:
        self.now += seconds + minutes * 60 + hours * 3600 + days * 86400


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store(tmp_path):
    return SqliteStore(tmp_path / "households.sqlite3")


@pytest.fixture(scope="session")
def lambda_module(tmp_path_factory):
    db = tmp_path_factory.mktemp("lambda") / "households.sqlite3"
    previous = {k: os.environ.get(k) for k in ("HEART_DB_PATH", "HEART_SKILL_ID")}
    os.environ["HEART_DB_PATH"] = str(db)
    os.environ["HEART_SKILL_ID"] = SKILL_ID
    try:
        module = load_lambda_module()
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return module


@pytest.fixture
def make_handler(lambda_module, monkeypatch):
    """The real Lambda handler, running a skill built on the given store and clock."""

    def make(store, clock, **options):
        settings = Settings(skill_id=SKILL_ID, table_name=None, db_path=":memory:")
        monkeypatch.setattr(lambda_module, "SKILL", build_skill(store, settings=settings, clock=clock, **options))
        return lambda_module.handler

    return make


@pytest.fixture
def handler(make_handler, store, clock):
    return make_handler(store, clock)


@pytest.fixture
def talk(handler):
    """A conversation with one household through the Lambda handler."""
    return Conversation(handler)
