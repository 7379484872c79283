"""Alexa timers for the ritual's talking steps: permission by voice, then the Timers API.

Permission is asked with a ``Connections.SendRequest`` directive (name ``AskFor``,
``AskForPermissionsConsentRequest`` version 2); Alexa then asks the couple itself and
answers the skill with a ``Connections.Response`` request carrying the same ``token``
and ``payload.status`` ACCEPTED, DENIED or NOT_ANSWERED. A response holding that
directive leaves ``shouldEndSession`` unset: Alexa takes over the conversation.

A timer is ``POST {apiEndpoint}/v1/alerts/timers`` with the request's
``apiAccessToken`` as bearer token. It is shown on screens and, when it rings, Alexa
announces a short text. A 401 or 403 answer means the permission is missing; any other
failure simply means no timer: the ritual works the same without one.
"""

from __future__ import annotations

import logging

from ask_sdk_model.interfaces.connections import SendRequestDirective

from .alexa_api import AlexaApi, AlexaApiError
from .turn import request_type

log = logging.getLogger("heart.timers")

PERMISSION_SCOPE = "alexa::alerts:timers:skill:readwrite"
TIMERS_PATH = "/v1/alerts/timers"
ACCEPTED, DENIED, NOT_ANSWERED = "ACCEPTED", "DENIED", "NOT_ANSWERED"

# What set_timer reports.
SET, NO_PERMISSION, FAILED = "set", "no_permission", "failed"


def permission_request(token: str) -> SendRequestDirective:
    """The directive that makes Alexa ask the couple for the timers permission."""
    return SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": PERMISSION_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        token=token,
    )


def ask_permission(handler_input, token: str, speech: str | None = None):
    """A response that hands the conversation to Alexa's permission prompt.

    ``shouldEndSession`` stays unset and there is no reprompt, as Alexa requires for
    ``Connections.SendRequest``; the answer arrives as a ``Connections.Response``.
    """
    builder = handler_input.response_builder
    if speech:
        builder.speak(speech)
    builder.add_directive(permission_request(token))
    return builder.response


def is_permission_answer(handler_input, token_prefix: str) -> bool:
    """For ``can_handle``: a ``Connections.Response`` to one of our AskFor requests."""
    if request_type(handler_input) != "Connections.Response":
        return False
    token = getattr(handler_input.request_envelope.request, "token", None) or ""
    return token.startswith(token_prefix)


def permission_answer(handler_input) -> str:
    """ACCEPTED, DENIED or NOT_ANSWERED; a failed request counts as NOT_ANSWERED."""
    request = handler_input.request_envelope.request
    code = str(getattr(getattr(request, "status", None), "code", "200") or "200")
    payload = getattr(request, "payload", None) or {}
    status = payload.get("status") if isinstance(payload, dict) else None
    if code != "200" or status not in (ACCEPTED, DENIED, NOT_ANSWERED):
        return NOT_ANSWERED
    return status


def iso_duration(minutes: int) -> str:
    return f"PT{int(minutes)}M"


def timer_body(minutes: int, label: str, announcement: str, locale: str) -> dict:
    """A visible timer that plays a sound and announces ``announcement`` when it ends."""
    return {
        "duration": iso_duration(minutes),
        "timerLabel": label,
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            "operation": {"type": "ANNOUNCE", "textToAnnounce": [{"locale": locale, "text": announcement}]},
            "notificationConfig": {"playAudible": True},
        },
    }


def set_timer(api: AlexaApi | None, minutes: int, label: str, announcement: str, locale: str) -> str:
    """SET, NO_PERMISSION (401/403) or FAILED (no API access, unreachable, refused)."""
    if api is None or not api.available:
        return FAILED
    try:
        api.call("POST", TIMERS_PATH, timer_body(minutes, label, announcement, locale))
    except AlexaApiError as error:
        outcome = NO_PERMISSION if error.needs_permission else FAILED
        log.info("timer not set", extra={"event": "timer", "outcome": outcome, "status": error.status})
        return outcome
    log.info("timer set", extra={"event": "timer", "outcome": SET, "minutes": minutes})
    return SET
