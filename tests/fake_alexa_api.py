"""A local HTTP server that stands in for the Alexa APIs (timers, reminders, settings).

It is a real server on 127.0.0.1 (port 0: the OS picks a free one) running in a
thread, so the skill's own HTTP client is exercised as in production. Point a
conversation at it with ``Conversation(handler, api_endpoint=api.url)``.

    with FakeAlexaApi(token="test-api-token") as api:
        api.reply("POST", "/v1/alerts/timers", 201, {"id": "t-1", "status": "ON"})
        ...
        call = api.requests[-1]          # method, path, query, headers, body (parsed JSON)
        assert call.bearer == "test-api-token"

- Every request is recorded in ``requests``, whether it was authorised or not.
- The bearer token is checked first: a missing or different token is answered 401
  (``{"code": "UNAUTHORIZED"}``), as Alexa does. ``token=None`` turns the check off.
- Replies are scripted per method and path prefix. The most recent matching script
  wins, so a test can override an earlier one; ``times=n`` makes a script answer n
  requests and then step aside. The body may be a dict/list, None (empty body), or a
  callable ``(request) -> body`` for replies that depend on what was sent.
- A request no script matches is answered 404 ``{"code": "NOT_FOUND"}``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw: bytes
    status: int = 0  # what the fake answered

    @property
    def body(self) -> Any:
        """The JSON body, or None when there was none."""
        return json.loads(self.raw) if self.raw else None

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[len("Bearer "):] if value.startswith("Bearer ") else None


@dataclass
class _Script:
    method: str
    path_prefix: str
    status: int
    body: Any
    times: int | None
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        exhausted = self.times is not None and self.used >= self.times
        return not exhausted and self.method == method and path.startswith(self.path_prefix)


@dataclass
class FakeAlexaApi:
    token: str | None = "test-api-token"
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._scripts: list[_Script] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------
    def start(self) -> "FakeAlexaApi":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-alexa-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeAlexaApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeAlexaApi is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ---- scripting and inspection ----------------------------------------------------
    def reply(
        self,
        method: str,
        path_prefix: str,
        status: int = 200,
        json: Any = None,
        *,
        times: int | None = None,
    ) -> "FakeAlexaApi":
        with self._lock:
            self._scripts.append(_Script(method.upper(), path_prefix, status, json, times))
        return self

    def calls(self, method: str | None = None, path_prefix: str = "") -> list[RecordedRequest]:
        with self._lock:
            return [
                r for r in self.requests
                if (method is None or r.method == method.upper()) and r.path.startswith(path_prefix)
            ]

    @property
    def last(self) -> RecordedRequest | None:
        with self._lock:
            return self.requests[-1] if self.requests else None

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    # ---- answering (called from the server thread) -------------------------------------
    def _answer(self, recorded: RecordedRequest) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(recorded)
            if self.token is not None and recorded.bearer != self.token:
                return 401, {"code": "UNAUTHORIZED", "message": "Request is not authorized."}
            for script in reversed(self._scripts):
                if script.matches(recorded.method, recorded.path):
                    script.used += 1
                    body = script.body
                    break
            else:
                return 404, {"code": "NOT_FOUND", "message": "No scripted reply."}
        if callable(body):
            body = body(recorded)
        return script.status, body


def _handler_for(api: FakeAlexaApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            recorded = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                raw=raw,
            )
            status, body = api._answer(recorded)
            recorded.status = status
            payload = b"" if body is None else json.dumps(body).encode("utf-8")
            self.send_response(status)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    return Handler

