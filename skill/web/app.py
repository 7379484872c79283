"""The skill behind a Flask endpoint, for hosting it yourself instead of on Lambda.

``POST /`` takes Alexa's request, ``GET /health`` answers ``{"status": "ok"}``.
Every request that fails verification or is malformed gets HTTP 400 with a short JSON
error code and no stack trace. Each request is logged as one JSON line: request type,
intent name, outcome, latency; never what was said, slot values, ids or speech.
"""

from __future__ import annotations

import logging
import time

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..config import Settings
from .verifier import AlexaRequestVerifier, RequestRejected, verify_skill_id

# Alexa's requests are a few KB; anything near this is not Alexa.
MAX_BODY_BYTES = 256 * 1024

log = logging.getLogger("heart.web")
_serializer = DefaultSerializer()


def create_app(
    skill=None,
    *,
    verifier: AlexaRequestVerifier | None = None,
    verify: bool = True,
    skill_id: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Flask:
    """A Flask app serving ``skill``.

    - ``skill``: defaults to ``skill.app.build_skill()``, configured from the environment.
    - ``verifier``: defaults to an :class:`AlexaRequestVerifier` trusting certifi's roots.
    - ``verify=False`` skips signature, certificate and timestamp checks: a development
      switch for local clients. The server entry point refuses it on a non-loopback host.
    - ``skill_id``: the application id every request must carry; defaults to
      ``HEART_SKILL_ID``. Checked even with ``verify=False``, as the skill itself would.
    """
    if skill is None:
        from ..app import build_skill

        skill = build_skill()
    if skill_id is None:
        skill_id = Settings.from_env().skill_id
    if not skill_id:
        log.warning("HEART_SKILL_ID is not set: requests for any skill are served", extra={"event": "no_skill_id"})
    if not verify:
        verifier = None
        log.warning("request verification is OFF: local development only", extra={"event": "verification_off"})
    elif verifier is None:
        verifier = AlexaRequestVerifier()

    app = Flask(__name__)

    @app.post("/")
    def alexa() -> Response:
        body = _raw_body(max_body_bytes)
        if verifier is not None:
            verifier.verify_signature(request.headers, body)
        envelope = parse_envelope(body)
        g.request_type = envelope.request.object_type
        g.intent = _intent_name(envelope)
        if verifier is not None:
            verifier.verify_timestamp(envelope)
        verify_skill_id(envelope, skill_id)
        response_envelope = skill.invoke(request_envelope=envelope, context=None)
        return jsonify(_serializer.serialize(response_envelope))

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.errorhandler(RequestRejected)
    def rejected(error: RequestRejected):
        g.reason = error.reason
        return {"error": error.reason}, 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # unknown path, wrong method
        return {"error": error.name.lower().replace(" ", "_")}, error.code

    @app.errorhandler(Exception)
    def failure(error: Exception):
        # Only the class name: an exception's message may quote what a couple said.
        g.error = type(error).__name__
        return {"error": "internal_error"}, 500

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        fields = {
            "event": "web_request",
            "request_type": g.get("request_type"),
            "intent": g.get("intent"),
            "status": response.status_code,
            "outcome": _outcome(response.status_code),
            "reason": g.get("reason"),
            "error": g.get("error"),
            "ms": round((time.perf_counter() - g.started) * 1000, 2),
        }
        # Health probes come every few seconds; they would drown the skill's lines.
        level = logging.DEBUG if request.endpoint == "health" else logging.INFO
        present = {name: value for name, value in fields.items() if value is not None}
        log.log(level, "%s %s", request.method, request.endpoint or "unknown", extra=present)
        return response

    return app


def parse_envelope(body: bytes) -> RequestEnvelope:
    """The request envelope in ``body``, or a rejection when it is not one."""
    try:
        envelope = _serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
    except (UnicodeDecodeError, SerializationException) as error:
        raise RequestRejected("body_malformed") from error
    if envelope is None or envelope.request is None or envelope.context is None:
        raise RequestRejected("body_malformed")
    return envelope


def _raw_body(limit: int) -> bytes:
    """The body exactly as received (the signature covers these bytes), read here
    rather than through Flask's MAX_CONTENT_LENGTH, which silently truncates chunked
    bodies instead of refusing them. Oversize is a 400, as every bad request is in
    Alexa's contract."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestRejected("body_too_large")
    parts, size = [], 0
    while size <= limit:
        part = request.stream.read(limit + 1 - size)  # a WSGI input may return less
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestRejected("body_too_large")
    return b"".join(parts)


def _intent_name(envelope: RequestEnvelope) -> str | None:
    intent = getattr(envelope.request, "intent", None)
    return getattr(intent, "name", None)


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return "rejected" if status < 500 else "error"
