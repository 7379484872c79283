"""Fixtures for the web endpoint: a test PKI the verifier trusts, a stand-in for the
bucket that serves certificate chains, and the real skill behind a real HTTP server."""

from __future__ import annotations

import logging

import pytest
from alexa import SKILL_ID, TIMESTAMP
from alexa_web import ChainHost, TestPki, as_datetime, epoch, running

from skill.app import build_skill
from skill.config import Settings
from skill.logs import JsonFormatter
from skill.web.app import create_app
from skill.web.verifier import AlexaRequestVerifier

# The moment tests/alexa.py stamps its requests with, and where the clock fixture starts.
NOW = epoch(TIMESTAMP)


@pytest.fixture(scope="session")
def pki():
    return TestPki(as_datetime(NOW))


@pytest.fixture
def chain_host(pki):
    host = ChainHost()
    host.publish(pki.signer.chain_pem)
    return host


@pytest.fixture
def web_clock(clock):
    assert clock() == NOW, "the clock fixture no longer starts at tests/alexa.py's TIMESTAMP"
    return clock


@pytest.fixture
def skill(store, web_clock):
    settings = Settings(skill_id=SKILL_ID, table_name=None, db_path=":memory:")
    return build_skill(store, settings=settings, clock=web_clock)


@pytest.fixture
def verifier(pki, chain_host, web_clock):
    return AlexaRequestVerifier(trusted_roots=[pki.root.cert], fetch=chain_host, clock=web_clock)


@pytest.fixture
def endpoint(skill, verifier):
    """Base URL of the app with full verification, trusting only the test root."""
    with running(create_app(skill, verifier=verifier, skill_id=SKILL_ID)) as url:
        yield url


@pytest.fixture
def web_log():
    """The web logger's lines, formatted exactly as in production (JSON)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("heart.web")
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(previous_level)
