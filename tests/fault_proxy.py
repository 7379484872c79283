"""A fault-injecting HTTP proxy on loopback, in front of the DynamoDB server.

The store talks to the proxy exactly as to DynamoDB (real TCP, real HTTP, botocore's
own parsing), and the proxy forwards each request unless a rule says otherwise:

- ``throttle``: HTTP 400 ProvisionedThroughputExceededException, as DynamoDB sends it
- ``throttling``: HTTP 400 ThrottlingException
- ``500`` / ``503``: InternalServerError / ServiceUnavailable
- ``reset``: the connection is reset (TCP RST) without an answer
- ``timeout``: no answer for ``delay`` seconds (longer than the client's read
  timeout), then the connection closes; the request never reaches the server
- ``late``: held for ``delay`` seconds, then forwarded: the client has given up, but
  the request still lands (a write that "failed" yet happened)

Rules match a request number (1-based, counted over all operations) or an operation
(the X-Amz-Target action, e.g. ``"PutItem"``), skip the first ``after`` matches and
apply ``times`` times (None: until cleared). ``counts`` holds the HTTP requests the
proxy received per operation, faulted ones included: real round trips.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

__all__ = ["FaultProxy", "fault_proxy", "proxied_store", "FAULTS"]

_JSON = "application/x-amz-json-1.0"
_ERRORS = {
    "throttle": (
        400,
        "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "throttling": (
        400,
        "com.amazon.coral.availability#ThrottlingException",
        "Rate of requests exceeds the allowed throughput.",
    ),
    "500": (500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
    "503": (503, "com.amazonaws.dynamodb.v20120810#ServiceUnavailable", "Service unavailable"),
}
FAULTS = (*_ERRORS, "reset", "timeout", "late")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "upgrade"}


@dataclass
class Rule:
    fault: str
    op: str | None = None
    request: int | None = None
    after: int = 0
    times: int | None = 1
    delay: float = 1.5

    def matches(self, number: int, op: str) -> bool:
        if self.request is not None:
            return number == self.request
        return self.op is None or self.op == op


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.counts: Counter = Counter()
        self.injected: Counter = Counter()
        self.log: list[tuple[int, str, str | None]] = []
        self._rules: list[Rule] = []
        self._number = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # and the client's delayed ACK add 40 ms to every answer.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                proxy._handle(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ---- rules ---------------------------------------------------------------------
    def inject(self, fault: str, *, op=None, request=None, after=0, times: int | None = 1, delay=1.5) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._rules.append(Rule(fault, op, request, after, times, delay))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.injected.clear()
            self.log.clear()
            self._number = 0

    def _choose(self, op: str) -> tuple[int, Rule | None]:
        with self._lock:
            self._number += 1
            number = self._number
            self.counts[op] += 1
            chosen = None
            for rule in self._rules:
                if not rule.matches(number, op):
                    continue
                if rule.after > 0:
                    rule.after -= 1
                    continue
                chosen = rule
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                break
            if chosen is not None:
                self.injected[chosen.fault] += 1
            self.log.append((number, op, chosen.fault if chosen else None))
            return number, chosen

    # ---- requests ------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        op = (handler.headers.get("X-Amz-Target") or "").rpartition(".")[2] or "?"
        _, rule = self._choose(op)
        if rule is None:
            return self._forward(handler, body)
        if rule.fault in _ERRORS:
            status, kind, message = _ERRORS[rule.fault]
            payload = json.dumps({"__type": kind, "message": message}).encode()
            return self._reply(handler, status, [("Content-Type", _JSON), ("x-amzn-RequestId", "FAULT")], payload)
        if rule.fault == "reset":
            return self._reset(handler)
        time.sleep(rule.delay)
        if rule.fault == "late":
            return self._forward(handler, body)
        handler.close_connection = True

    def _forward(self, handler, body: bytes) -> None:
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream.request(handler.command, handler.path, body=body, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
        finally:
            upstream.close()
        self._reply(handler, answer.status, kept, payload)

    @staticmethod
    def _reply(handler, status: int, headers, payload: bytes) -> None:
        try:
            handler.send_response_only(status)
            for name, value in headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:  # the client gave up already (a "late" request)
            handler.close_connection = True

    @staticmethod
    def _reset(handler) -> None:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fault_proxy(dynamo_server):
    proxy = FaultProxy(dynamo_server.endpoint)
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_store(dynamo_server, dynamo_table, fault_proxy):
    """The skill's DynamoDB store talking to the table through the fault proxy."""
    return dynamo_server.store(dynamo_table, fault_proxy.endpoint)
