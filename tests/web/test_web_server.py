"""``python -m skill.web``: settings from the environment, the development switch that
refuses non-loopback hosts, and the real entry point started as a process."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from alexa import SKILL_ID, speech_text
from alexa_web import encode, http, session_event

from skill.web.server import DEFAULT_HOST, DEFAULT_PORT, ConfigError, ServerConfig

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_loopback_8080_with_verification():
    assert ServerConfig.load([], {}) == ServerConfig(host=DEFAULT_HOST, port=DEFAULT_PORT, verify=True)
    assert (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8080)


def test_settings_come_from_the_environment():
    env = {"HEART_HOST": "0.0.0.0", "HEART_PORT": "9000", "HEART_VERIFY": "on"}
    assert ServerConfig.load([], env) == ServerConfig(host="0.0.0.0", port=9000, verify=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])
@pytest.mark.parametrize("switch", [(["--no-verify"], {}), ([], {"HEART_VERIFY": "0"}), ([], {"HEART_VERIFY": "false"})])
def test_verification_may_be_turned_off_on_a_loopback_host(host, switch):
    argv, env = switch
    assert ServerConfig.load(argv, {**env, "HEART_HOST": host}).verify is False


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "heart.example.com", "localhost.example"])
@pytest.mark.parametrize("switch", [(["--no-verify"], {}), ([], {"HEART_VERIFY": "0"})])
def test_verification_cannot_be_turned_off_on_any_other_host(host, switch):
    argv, env = switch
    with pytest.raises(ConfigError, match="refusing to start with request verification off"):
        ServerConfig.load(argv, {**env, "HEART_HOST": host})


@pytest.mark.parametrize("env", [{"HEART_VERIFY": "maybe"}, {"HEART_PORT": "http"}, {"HEART_PORT": "70000"}])
def test_unreadable_settings_are_refused(env):
    with pytest.raises(ConfigError):
        ServerConfig.load([], env)


def _env(tmp_path, **overrides) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HEART_")}
    env.update(
        HEART_PORT="0",
        HEART_SKILL_ID=SKILL_ID,
        HEART_DB_PATH=str(tmp_path / "households.sqlite3"),
        PYTHONPATH=str(ROOT),
        **overrides,
    )
    return env


def test_the_entry_point_refuses_an_unverified_public_host_before_listening(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-m", "skill.web", "--no-verify"],
        cwd=ROOT,
        env=_env(tmp_path, HEART_HOST="0.0.0.0"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "refusing to start with request verification off on '0.0.0.0'" in finished.stderr
    assert "listening" not in finished.stderr


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


@contextmanager
def server_process(env: dict[str, str], *args: str):
    """``python -m skill.web`` running; yields its base URL, read from its first log line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "skill.web", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stderr, lines), daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=30)
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if found:
                break
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_entry_point_serves_the_real_skill_with_verification_on(tmp_path):
    with server_process(_env(tmp_path)) as url:
        assert http("GET", f"{url}/health") == (200, {"status": "ok"})
        # certifi's roots loaded, verification on by default: unsigned requests are refused.
        assert http("POST", url, encode(session_event())) == (400, {"error": "missing_signature_headers"})


def test_the_entry_point_without_verification_answers_local_clients(tmp_path):
    with server_process(_env(tmp_path, HEART_VERIFY="0")) as url:
        status, payload = http("POST", url, encode(session_event()))
        assert status == 200
        assert "Welcome to Heart to Heart" in speech_text(payload)
        assert http("POST", url, encode(session_event(skill_id="amzn1.ask.skill.other")))[0] == 400
