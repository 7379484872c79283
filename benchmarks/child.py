"""What runs inside the measured interpreter: import a Lambda handler module, then
talk to it like Alexa, timing each invocation.

Standard library only, so it runs unchanged under a bare ``python3.13 -I`` whose
path holds nothing but a Lambda bundle and the runtime's boto3, as on Lambda. The
parent (``benchmarks/run.py``) passes one JSON spec as the only argument and reads
one JSON object from the last line of stdout.

Spec fields:
  entry_dir   the folder holding the handler module (Lambda's /var/task), first on
              sys.path
  paths       folders after it (the runtime's boto3; the source tree in venv mode)
  module      module name (``app``), imported the way Lambda's bootstrap does
  handler     attribute name of the handler function
  script      the turns of one session, see :func:`build_request`
  sessions    measured sessions after the first (the first is the cold one)
  user_id     the household; every session of one child uses the same one
  marker_url  when set (the counting proxy), a marker request is sent there after
              every turn, outside the timed region, so the proxy's log splits into
              turns
  api_endpoint  context.System.apiEndpoint: the stand-in for the Alexa APIs
  forbidden   sentences that mean the turn failed (see :func:`run_session`)
"""

from __future__ import annotations

import json
import sys
import time
import uuid

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000bench"
TIMESTAMP = "2026-11-26T19:30:00Z"


def build_request(turn: dict) -> dict:
    """``{"type": "LaunchRequest"}`` or ``{"intent": "Name", "slots": {...}}``."""
    base = {
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": TIMESTAMP,
        "locale": "en-US",
    }
    if "intent" in turn:
        slots = {
            name: {"name": name, "value": value, "confirmationStatus": "NONE"}
            for name, value in (turn.get("slots") or {}).items()
        }
        return {
            "type": "IntentRequest",
            "dialogState": "COMPLETED",
            "intent": {"name": turn["intent"], "confirmationStatus": "NONE", "slots": slots},
            **base,
        }
    return {"type": turn.get("type", "LaunchRequest"), **base}


API_TOKEN = "bench-api-token"
# Nothing listens there: a skill that calls the Alexa API without a stand-in gets a refusal.
NO_API = "http://127.0.0.1:9"


def build_event(turn: dict, session: dict, user_id: str, api_endpoint: str = NO_API) -> dict:
    system = {
        "application": {"applicationId": SKILL_ID},
        "user": {"userId": user_id},
        "device": {"deviceId": "amzn1.ask.device.BENCH", "supportedInterfaces": {}},
        "apiEndpoint": api_endpoint,
        "apiAccessToken": API_TOKEN,
    }
    return {"version": "1.0", "session": session, "context": {"System": system}, "request": build_request(turn)}


def new_session(user_id: str) -> dict:
    return {
        "new": True,
        "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
        "application": {"applicationId": SKILL_ID},
        "user": {"userId": user_id},
        "attributes": {},
    }


def session_after(session: dict, response: dict) -> dict | None:
    """The session Alexa sends with the next request, or None once it has ended."""
    body = response.get("response") or {}
    if body.get("shouldEndSession") is False:
        return {**session, "new": False, "attributes": response.get("sessionAttributes") or {}}
    return None


MARKER_TARGET = "Bench.TurnEnd"


def send_marker(url: str) -> None:
    """A request the proxy logs as operation ``TurnEnd`` (it forwards it too; the
    server's answer does not matter)."""
    import urllib.request

    request = urllib.request.Request(
        url.rstrip("/") + "/", data=b"{}", method="POST",
        headers={"X-Amz-Target": MARKER_TARGET, "Content-Type": "application/x-amz-json-1.0"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        reply.read()


def run_session(handler, script: list, user_id: str, marker_url: str | None = None, api_endpoint: str = NO_API,
                forbidden: tuple = ()) -> dict:
    """One scripted session. Returns per-turn milliseconds and whether each turn kept
    the session open; with ``marker_url``, marks the end of every turn. A turn that
    says one of the ``forbidden`` sentences (the skill's error or "couldn't save"
    lines) is an error: the benchmark would be timing a failure."""
    session = new_session(user_id)
    times, open_after, errors = [], [], []
    for index, turn in enumerate(script):
        if session is None:  # the skill ended the session early: Alexa would open a new one
            session = new_session(user_id)
        event = build_event(turn, session, user_id, api_endpoint)
        started = time.perf_counter()
        response = handler(event, None)
        times.append((time.perf_counter() - started) * 1000)
        # Serialising the response is what the Lambda runtime does next; it must work.
        json.dumps(response)
        session = session_after(session, response)
        open_after.append(session is not None)
        ssml = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
        if not ssml and turn.get("type") != "SessionEndedRequest":
            errors.append(f"turn {index + 1} had no speech")
        said = [phrase for phrase in forbidden if phrase in ssml]
        if said:
            errors.append(f"turn {index + 1} said {said[0]!r}")
        if marker_url:
            send_marker(marker_url)
    return {"ms": times, "open": open_after, "errors": errors}


def peak_rss_kb(resource) -> int:
    """This process's peak resident memory in KiB. Linux keeps ``ru_maxrss`` across
    exec, so a child forked from a big parent would report the parent's peak; the
    kernel's VmHWM belongs to the new program only. ``ru_maxrss`` where there is no
    /proc (it is then in KiB on Linux, bytes on macOS)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def main() -> None:
    spec = json.loads(sys.argv[1])
    # Lambda's order: the function's folder (/var/task) first, then the runtime's.
    sys.path[:0] = [spec["entry_dir"], *spec.get("paths", [])]
    import importlib
    import resource

    started = time.perf_counter()
    module = importlib.import_module(spec.get("module", "app"))
    import_ms = (time.perf_counter() - started) * 1000
    boto3_at_import = "boto3" in sys.modules
    if spec.get("mark_import"):  # splits -X importtime's lines: the import, then the turns
        sys.stderr.write("bench: handler imported\n")
        sys.stderr.flush()
    handler = getattr(module, spec.get("handler", "handler"))

    script = spec["script"]
    user_id = spec.get("user_id") or f"amzn1.ask.account.BENCH{uuid.uuid4().hex.upper()}"
    marker_url = spec.get("marker_url")
    api = spec.get("api_endpoint") or NO_API
    forbidden = tuple(spec.get("forbidden") or ())
    sessions = [run_session(handler, script, user_id, marker_url, api, forbidden)]
    for _ in range(int(spec.get("sessions", 0))):
        sessions.append(run_session(handler, script, user_id, marker_url, api, forbidden))
    result = {
        "import_ms": import_ms,
        "sessions": sessions,
        "maxrss_kb": peak_rss_kb(resource),
        "python": sys.version.split()[0],
        "modules": len(sys.modules),
        "boto3_at_import": boto3_at_import,
    }
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
