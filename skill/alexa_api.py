"""A small client for the Alexa APIs the skill uses (timers, reminders).

The host is the request's ``context.System.apiEndpoint`` and the bearer token its
``apiAccessToken``, as Alexa requires; tests point the endpoint at a local HTTP
server that stands in for Alexa. Calls are short (the turn has 8 seconds in all) and
every failure becomes :class:`AlexaApiError`, which handlers turn into kind speech.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

log = logging.getLogger("heart.alexa_api")
TIMEOUT_S = 2.5
TIME_ZONE_TIMEOUT_S = 1.0


class AlexaApiError(Exception):
    def __init__(self, status: int | None, code: str | None = None) -> None:
        super().__init__(f"Alexa API error {status} {code or ''}".strip())
        self.status = status
        self.code = code

    @property
    def needs_permission(self) -> bool:
        return self.status in (401, 403)


@dataclass
class AlexaApi:
    endpoint: str | None
    token: str | None

    @property
    def available(self) -> bool:
        return bool(self.endpoint and self.token)

    def call(self, method: str, path: str, body: dict | None = None, *, timeout: float | None = None) -> dict | None:
        if not self.available:
            raise AlexaApiError(None, "no_api_access")
        # Imported on the first call: most turns never call an Alexa API, and
        # urllib.request is a noticeable share of a Lambda cold start.
        import urllib.error
        import urllib.request

        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.endpoint.rstrip("/") + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or TIMEOUT_S) as reply:
                text = reply.read(256_000)
        except urllib.error.HTTPError as error:
            code = None
            try:
                code = json.loads(error.read(16_000) or b"{}").get("code")
            except ValueError:
                pass
            log.warning("alexa api refused", extra={"event": "alexa_api", "status": error.code})
            raise AlexaApiError(error.code, code) from None
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            log.warning("alexa api unreachable", extra={"event": "alexa_api", "error": type(error).__name__})
            raise AlexaApiError(None, "unreachable") from None
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise AlexaApiError(None, "bad_response") from None


def services_for(handler_input) -> AlexaApi:
    system = handler_input.request_envelope.context.system
    return AlexaApi(endpoint=getattr(system, "api_endpoint", None), token=getattr(system, "api_access_token", None))


def device_time_zone(api: AlexaApi, device_id: str | None) -> str | None:
    """The device's time zone name (e.g. "America/Chicago"), or None if Alexa won't say."""
    if not device_id or not api.available:
        return None
    try:
        # Short: a first launch should not wait long for a nicety it can learn next time.
        answer = api.call("GET", f"/v2/devices/{device_id}/settings/System.timeZone", timeout=TIME_ZONE_TIMEOUT_S)
    except AlexaApiError:
        return None
    return answer if isinstance(answer, str) and 0 < len(answer) < 64 else None
