"""Reminders for the evening ritual and the weekly check-in, through the Alexa Reminders API.

"Remind us every evening at eight" and "remind us to check in every Sunday at seven"
gather what is missing (which activity, which day for a weekly one, what time: asked,
never guessed), read the plan back for a yes, then create the reminder. When Alexa
answers 401/403 the skill asks for the permission by voice (``Connections.SendRequest``
AskFor); the plan travels in its token, so the ``Connections.Response`` can create it
on ACCEPTED. Denied or unanswered: a card to allow it in the Alexa app, and carry on.
"What reminders do we have" lists them; "stop reminding us" deletes each after a yes.
Nothing about reminders is stored in the record: the Alexa API is the source of truth.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from .. import reminders
from ..alexa_api import AlexaApiError, device_time_zone
from ..reminders import Plan
from ..turn import Turn, flow_is, intent_is, request_type

log = logging.getLogger("heart.reminders")

FLOW = "reminders"
TOKEN_PREFIX = "reminders:"


def _flow(handler_input) -> dict:
    flow = handler_input.attributes_manager.session_attributes.get("flow")
    return flow if isinstance(flow, dict) else {}


def _waiting(handler_input, what: str) -> bool:
    return flow_is(handler_input, FLOW) and _flow(handler_input).get("waiting") == what


# ---- speaking -------------------------------------------------------------------------
def spoken_time(turn: Turn, time: str) -> str:
    hour, minute = int(time[:2]), int(time[3:])
    if minute == 0 and hour in (0, 12):
        return turn.say("reminders.time.midnight" if hour == 0 else "reminders.time.noon")
    clock = f"{hour % 12 or 12}" + (f":{minute:02d}" if minute else "")
    return turn.say("reminders.time.pm" if hour >= 12 else "reminders.time.am", clock=clock)


def spoken_when(turn: Turn, day: str | None, time: str) -> str:
    if day:
        return turn.say("reminders.when.weekly", day=turn.say(f"reminders.day.{day}"), time=spoken_time(turn, time))
    return turn.say("reminders.when.daily", time=spoken_time(turn, time))


def _activity(turn: Turn, alert: dict) -> str | None:
    """Which of ours a reminder is for, read from the text it speaks (our own labels)."""
    content = ((alert.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    texts = {part.get("text") for part in content if isinstance(part, dict)}
    for activity in reminders.ACTIVITIES:
        if turn.say(f"reminders.label.{activity}") in texts:
            return activity
    return None


def _spoken_item(turn: Turn, alert: dict) -> str:
    """"every day at 8 PM, for your evening ritual" (or without the activity if unknown)."""
    day, time = reminders.describe(alert)
    if not time:
        return turn.say("reminders.when.unknown")
    when = spoken_when(turn, day, time)
    activity = _activity(turn, alert)
    return turn.say(f"reminders.item.{activity}", when=when) if activity else when


def _spoken_list(turn: Turn, items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {turn.say('reminders.and')} {items[-1]}"


def _permission_card(turn: Turn) -> None:
    turn.handler_input.response_builder.set_card(AskForPermissionsConsentCard(permissions=[reminders.PERMISSION_SCOPE]))


def _menu(turn: Turn, opening: str):
    turn.end_flow()
    turn.offer(None)
    return turn.ask(f"{opening} {turn.say('menu.choices')}", turn.say("menu.reprompt"))


def _failed(turn: Turn, error: AlexaApiError, key: str = "reminders.failed"):
    log.warning("reminders call failed", extra={"event": "reminders_failed", "status": error.status})
    turn.end_flow()
    return turn.tell(turn.say(key))


# ---- setting one up -------------------------------------------------------------------
def _plan_so_far(turn: Turn) -> dict:
    flow = turn.flow
    if flow.get("name") != FLOW or flow.get("mode") == "cancel":
        return {}
    return {k: flow[k] for k in ("activity", "day", "time", "literal") if flow.get(k)}


def _gather(turn: Turn, opening: str = "", **found):
    """Add what was just heard to the plan; ask for what is still missing, else confirm."""
    fresh = not flow_is(turn.handler_input, FLOW)
    data = {**_plan_so_far(turn), **{k: v for k, v in found.items() if v}}
    if fresh and not data.get("activity") and not data.get("day") and data.get("time"):
        data["activity"] = "ritual"  # "remind us every evening at eight": daily means the ritual
    turn.start_flow(FLOW, **data)
    turn.offer(None)
    for what in ("activity", "day", "time"):
        if what == "day" and data.get("activity") != "checkin":
            continue
        if not data.get(what):
            turn.update_flow(waiting=what)
            key = f"reminders.ask_{what}"
            return turn.ask(_join(opening, turn.say(key)), turn.say(f"{key}_reprompt"))
    plan = Plan(data["activity"], data.get("day"), data["time"])
    turn.update_flow(confirming=True)
    speech = turn.say(f"reminders.confirm.{plan.activity}", when=spoken_when(turn, plan.day, plan.time))
    return turn.ask(_join(opening, speech), turn.say("reminders.confirm_reprompt"))


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _ask_permission(turn: Turn, plan: Plan):
    """Alexa asks the couple itself; its answer comes back as Connections.Response."""
    turn.end_flow()
    directive = SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": reminders.PERMISSION_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        token=TOKEN_PREFIX + plan.to_token(),
    )
    builder = turn.handler_input.response_builder
    builder.speak(turn.say("reminders.need_permission")).add_directive(directive)
    return builder.response  # shouldEndSession stays unset, as Alexa requires here


def _create(turn: Turn, plan: Plan, *, may_ask: bool):
    api = turn.services
    device = getattr(getattr(turn.system, "device", None), "device_id", None)
    zone = turn.household.time_zone or device_time_zone(api, device)
    locale = getattr(turn.request, "locale", None) or "en-US"
    label = turn.say(f"reminders.label.{plan.activity}")
    body = reminders.payload(plan, label, locale, reminders.local_now(turn.household.clock(), zone), zone)
    try:
        if _already_set(turn, plan):
            turn.end_flow()
            return turn.tell(turn.say("reminders.already", when=spoken_when(turn, plan.day, plan.time)))
        reminders.create(api, body)
    except AlexaApiError as error:
        if error.needs_permission and may_ask:
            return _ask_permission(turn, plan)
        if error.needs_permission:
            _permission_card(turn)
            turn.end_flow()
            return turn.tell(turn.say("reminders.still_no_permission"))
        return _failed(turn, error)
    turn.end_flow()
    when = spoken_when(turn, plan.day, plan.time)
    return turn.tell(turn.say(f"reminders.created.{plan.activity}", when=when))


def _already_set(turn: Turn, plan: Plan) -> bool:
    """The same reminder exists already ("remind us at eight" said twice must not ring
    twice). A list we may not read (no permission yet) is no obstacle to creating; an
    API that does not answer at all is (raised), so the request stays within Alexa's time."""
    try:
        alerts = reminders.active(turn.services)
    except AlexaApiError as error:
        if error.status is None:
            raise
        return False
    return any(
        reminders.describe(alert) == (plan.day, plan.time) and _activity(turn, alert) in (None, plan.activity)
        for alert in alerts
    )


def _evening(turn: Turn, time: str | None) -> str | None:
    """Both activities happen in the evening, so "at eight" (08:00 from Alexa) means 8 PM.
    The plan is read back before it's set; after a "no" times are taken as said."""
    if time and not _plan_so_far(turn).get("literal") and 1 <= int(time[:2]) <= 11:
        return f"{int(time[:2]) + 12}:{time[3:]}"
    return time


class SetReminderHandler(AbstractRequestHandler):
    """"Remind us every evening at eight", and the answers to its follow-up questions."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "SetReminderIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        time = _evening(turn, reminders.parse_time(turn.slot("time")))  # "in the evening" is no clock time: asked
        day = turn.slot_id("day")
        activity = turn.slot_id("activity")
        # "every weekday", "Monday and Thursday": heard, but not one day of the week.
        unclear_day = turn.slot("day") is not None and day not in reminders.DAYS
        opening = turn.say("reminders.one_day") if unclear_day else ""
        return _gather(turn, opening, activity=activity, day=day if day in reminders.DAYS else None, time=time)


class ActivityAnswerHandler(AbstractRequestHandler):
    """"The check-in" / "the evening ritual" in answer to "which one?"."""

    def can_handle(self, handler_input):
        return _waiting(handler_input, "activity") and intent_is(handler_input, "CheckInIntent", "StartRitualIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        return _gather(turn, activity="checkin" if intent_is(handler_input, "CheckInIntent") else "ritual")


class NotUnderstoodHandler(AbstractRequestHandler):
    """Something that doesn't answer the question (a fallback, a "yes" while a day or time
    is asked, a number while the day is asked): sorry, and the question again."""

    def can_handle(self, handler_input):
        if not flow_is(handler_input, FLOW):
            return False
        confirming = _flow(handler_input).get("confirming") is True
        return (
            intent_is(handler_input, "AMAZON.FallbackIntent")
            or (intent_is(handler_input, "AMAZON.YesIntent") and not confirming)
            or (intent_is(handler_input, "RatingIntent") and not _waiting(handler_input, "time"))
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        question = (turn.last_response or {}).get("reprompt") or turn.say("help_reprompt.reminders")
        return turn.ask(_join(turn.say("reminders.not_understood"), question), question)


class TimeNumberHandler(AbstractRequestHandler):
    """A bare "eight" to "what time?" arrives as a number (RatingIntent)."""

    def can_handle(self, handler_input):
        return _waiting(handler_input, "time") and intent_is(handler_input, "RatingIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        raw = turn.slot("rating") or ""
        hour = int(raw) if raw.isdigit() else -1
        if not 0 <= hour <= 23:
            return turn.ask(turn.say("reminders.bad_time"), turn.say("reminders.ask_time_reprompt"))
        return _gather(turn, time=_evening(turn, f"{hour:02d}:00"))


class ConfirmReminderHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (
            flow_is(handler_input, FLOW) and _flow(handler_input).get("confirming") is True
            and _flow(handler_input).get("mode") != "cancel" and intent_is(handler_input, "AMAZON.YesIntent")
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        flow = turn.flow
        return _create(turn, Plan(flow["activity"], flow.get("day"), flow["time"]), may_ask=True)


class DeclineReminderHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (
            flow_is(handler_input, FLOW) and _flow(handler_input).get("confirming") is True
            and intent_is(handler_input, "AMAZON.NoIntent")
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        if turn.flow.get("mode") == "cancel":
            return _menu(turn, turn.say("reminders.kept"))
        turn.update_flow(confirming=False, waiting="time", time=None, literal=True)
        return turn.ask(turn.say("reminders.ask_time_again"), turn.say("reminders.ask_time_again_reprompt"))


class PermissionAnswerHandler(AbstractRequestHandler):
    """Alexa's answer to our AskFor: ACCEPTED, DENIED or NOT_ANSWERED."""

    def can_handle(self, handler_input):
        if request_type(handler_input) != "Connections.Response":
            return False
        token = getattr(handler_input.request_envelope.request, "token", None) or ""
        return token.startswith(TOKEN_PREFIX)

    def handle(self, handler_input):
        turn = Turn(handler_input)
        request = turn.request
        status = ((request.payload or {}).get("status") or "NOT_ANSWERED").upper()
        plan = Plan.from_token(request.token[len(TOKEN_PREFIX):])
        if status == "ACCEPTED" and plan:
            return _create(turn, plan, may_ask=False)
        _permission_card(turn)
        key = "reminders.denied" if status == "DENIED" else "reminders.not_answered"
        return _menu(turn, turn.say(key))


# ---- listing and cancelling -----------------------------------------------------------
def _current(turn: Turn, failed_key: str = "reminders.failed"):
    """(descriptions, alerts) of this skill's reminders, or a finished response."""
    try:
        alerts = reminders.active(turn.services)
    except AlexaApiError as error:
        if error.needs_permission:
            _permission_card(turn)
            return None, _menu(turn, turn.say("reminders.list_no_permission"))
        return None, _failed(turn, error, failed_key)
    return ([_spoken_item(turn, alert) for alert in alerts], alerts), None


class ListRemindersHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return intent_is(handler_input, "ListRemindersIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        found, response = _current(turn, "reminders.list_failed")
        if response:
            return response
        items, _ = found
        if not items:
            return _menu(turn, turn.say("reminders.none"))
        turn.end_flow()
        key = "reminders.list.one" if len(items) == 1 else "reminders.list.many"
        return turn.tell(turn.say(key, count=len(items), items=_spoken_list(turn, items)))


class CancelRemindersHandler(AbstractRequestHandler):
    """"Stop reminding us": says what would go, and asks first."""

    def can_handle(self, handler_input):
        return intent_is(handler_input, "CancelRemindersIntent")

    def handle(self, handler_input):
        turn = Turn(handler_input)
        found, response = _current(turn)
        if response:
            return response
        items, alerts = found
        if not alerts:
            return _menu(turn, turn.say("reminders.none"))
        turn.start_flow(FLOW, mode="cancel", confirming=True)
        turn.offer(None)
        key = "reminders.cancel_confirm.one" if len(items) == 1 else "reminders.cancel_confirm.many"
        speech = turn.say(key, count=len(items), items=_spoken_list(turn, items))
        return turn.ask(speech, turn.say("reminders.cancel_reprompt"))


class ConfirmCancelHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (
            flow_is(handler_input, FLOW) and _flow(handler_input).get("mode") == "cancel"
            and _flow(handler_input).get("confirming") is True and intent_is(handler_input, "AMAZON.YesIntent")
        )

    def handle(self, handler_input):
        turn = Turn(handler_input)
        try:
            alerts = reminders.active(turn.services)
        except AlexaApiError as error:
            return _failed(turn, error)
        deleted = 0
        for alert in alerts:
            try:
                reminders.delete(turn.services, alert["alertToken"])
                deleted += 1
            except (AlexaApiError, KeyError):
                continue
        turn.end_flow()
        if deleted == len(alerts):
            return turn.tell(turn.say("reminders.cancelled"))
        return turn.tell(turn.say("reminders.cancel_partial", done=deleted, total=len(alerts)))


HANDLERS = [
    PermissionAnswerHandler(),
    ActivityAnswerHandler(),
    TimeNumberHandler(),
    NotUnderstoodHandler(),
    ConfirmCancelHandler(),
    ConfirmReminderHandler(),
    DeclineReminderHandler(),
    SetReminderHandler(),
    ListRemindersHandler(),
    CancelRemindersHandler(),
]
