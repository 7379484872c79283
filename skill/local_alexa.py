"""A stand-in for the Alexa APIs on this machine, so the console can try timers,
reminders and permissions with no Amazon account.

It is a real HTTP server on 127.0.0.1 (a free port) that the console puts in each
request's ``context.System.apiEndpoint``, so the skill talks to it exactly as it would
to Alexa: bearer token, JSON bodies, 401 until the couple grants the permission at the
console's permission prompt. What it holds (granted permissions, reminders) is kept in
a small JSON file beside the console's store, so it survives restarts. Never used on
Lambda or by the web endpoint.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = "console-token"
SCOPES = {
    "timers": "alexa::alerts:timers:skill:readwrite",
    "reminders": "alexa::alerts:reminders:skill:readwrite",
}


def local_time_zone() -> str:
    """This machine's IANA time zone name, or UTC."""
    for source in (Path("/etc/timezone"),):
        try:
            name = source.read_text().strip()
            if name:
                return name
        except OSError:
            pass
    try:
        link = Path("/etc/localtime").resolve()
        if "zoneinfo" in link.parts:
            return "/".join(link.parts[link.parts.index("zoneinfo") + 1:])
    except OSError:
        pass
    return "UTC"


class LocalAlexa:
    def __init__(self, path: str | Path, notify=print) -> None:
        self.path = Path(path)
        self.notify = notify
        self.lock = threading.Lock()
        self.data = {"granted": [], "reminders": {}}
        if self.path.exists():
            try:
                self.data.update(json.loads(self.path.read_text()))
            except ValueError:
                pass
        self.server: ThreadingHTTPServer | None = None

    # ---- what the console does -------------------------------------------------------
    def grant(self, scope: str) -> None:
        with self.lock:
            if scope not in self.data["granted"]:
                self.data["granted"].append(scope)
                self._save()

    def start(self) -> str:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                status, reply = owner.handle(self.command, self.path.split("?")[0], self.headers, body)
                data = b"" if reply is None else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                if data:
                    self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # ---- what Alexa would do ---------------------------------------------------------
    def handle(self, method: str, path: str, headers, body):
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {"code": "UNAUTHORIZED"}
        if path.endswith("/settings/System.timeZone"):
            return 200, local_time_zone()
        if path.startswith("/v1/alerts/timers"):
            if SCOPES["timers"] not in self.data["granted"]:
                return 401, {"code": "UNAUTHORIZED"}
            duration = (body or {}).get("duration", "")
            self.notify(f"  (Alexa starts a timer: {duration.removeprefix('PT').lower() or 'no length'})")
            return 200, {"id": uuid.uuid4().hex, "status": "ON", "duration": duration}
        if path.startswith("/v1/alerts/reminders"):
            if SCOPES["reminders"] not in self.data["granted"]:
                return 401, {"code": "UNAUTHORIZED"}
            return self._reminders(method, path, body)
        return 404, {"code": "NOT_FOUND"}

    def _reminders(self, method: str, path: str, body):
        with self.lock:
            reminders = self.data["reminders"]
            if method == "POST" and path.rstrip("/") == "/v1/alerts/reminders":
                token = uuid.uuid4().hex
                reminders[token] = {**(body or {}), "alertToken": token, "status": "ON"}
                self._save()
                rules = ((body or {}).get("trigger") or {}).get("recurrence", {}).get("recurrenceRules") or []
                self.notify(f"  (Alexa saves a reminder: {'; '.join(rules) or 'once'})")
                return 201, {"alertToken": token, "status": "ON"}
            if method == "GET":
                alerts = list(reminders.values())
                return 200, {"alerts": alerts, "totalCount": str(len(alerts))}
            if method == "DELETE":
                token = path.rstrip("/").rsplit("/", 1)[-1]
                if reminders.pop(token, None) is None:
                    return 404, {"code": "NOT_FOUND"}
                self._save()
                self.notify("  (Alexa deletes a reminder)")
                return 200, None
        return 405, {"code": "METHOD_NOT_ALLOWED"}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1))
