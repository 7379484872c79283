"""Recurring Alexa reminders for the ritual and the check-in: payloads and API calls.

The Alexa Reminders API is the only place reminders live; the household record keeps
nothing about them. Recurring reminders are ``SCHEDULED_ABSOLUTE`` with
``trigger.recurrence`` given as ``startDateTime`` plus ``recurrenceRules`` (RRULE
strings); the older ``freq``/``byDay`` fields are deprecated and ignored by Alexa when
rules are present, so they are not sent (they are still read back when listing).
Times are wall-clock times in the household's time zone (learned from the device).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .alexa_api import AlexaApi

PERMISSION_SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS_PATH = "/v1/alerts/reminders"
ACTIVITIES = ("ritual", "checkin")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Plan:
    """What the couple asked for: which activity, which weekday (None = every day), when."""

    activity: str
    day: str | None
    time: str  # "HH:MM", 24-hour

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])

    def rule(self) -> str:
        freq = f"FREQ=WEEKLY;BYDAY={self.day}" if self.day else "FREQ=DAILY"
        return f"{freq};BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0;INTERVAL=1"

    def to_token(self) -> str:
        return f"{self.activity}:{self.day or '-'}:{self.time}"

    @classmethod
    def from_token(cls, text: str) -> "Plan | None":
        parts = text.split(":")
        if len(parts) != 4:
            return None
        activity, day, hour, minute = parts
        time = parse_time(f"{hour}:{minute}")
        if activity not in ACTIVITIES or (day != "-" and day not in DAYS) or time is None:
            return None
        return cls(activity, None if day == "-" else day, time)


def parse_time(value: str | None) -> str | None:
    """An AMAZON.TIME value as "HH:MM", or None when it names no clock time
    ("EV", "NI", "MO", "AF" for evening, night, morning, afternoon)."""
    match = _TIME.match(value or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def next_occurrence(plan: Plan, now_local: datetime) -> datetime:
    """The first time at or after ``now_local`` (a naive local time) the plan fires."""
    candidate = now_local.replace(hour=plan.hour, minute=plan.minute, second=0, microsecond=0)
    for _ in range(8):
        right_day = plan.day is None or DAYS[candidate.weekday()] == plan.day
        if right_day and candidate > now_local:
            return candidate
        candidate += timedelta(days=1)
    raise AssertionError("a weekly rule always fires within 8 days")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


def local_now(now_utc: float, zone: str | None) -> datetime:
    """Wall-clock time in the device's zone (UTC when it is unknown), naive."""
    moment = datetime.fromtimestamp(now_utc, tz=timezone.utc)
    if zone:
        try:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo(zone))
        except Exception:  # unknown zone or no tz database: the rule is wall-clock anyway
            pass
    return moment.replace(tzinfo=None)


def payload(plan: Plan, text: str, locale: str, now_local: datetime, zone: str | None) -> dict:
    start = _local(next_occurrence(plan, now_local))
    trigger: dict = {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": start,
        "recurrence": {"startDateTime": start, "recurrenceRules": [plan.rule()]},
    }
    if zone:
        trigger["timeZoneId"] = zone
    return {
        "requestTime": _local(now_local),
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


# ---- calls ----------------------------------------------------------------------------
def create(api: AlexaApi, body: dict) -> str | None:
    reply = api.call("POST", REMINDERS_PATH, body) or {}
    return reply.get("alertToken")


def active(api: AlexaApi) -> list[dict]:
    """This skill's reminders that will still go off (Alexa lists only our own)."""
    reply = api.call("GET", REMINDERS_PATH) or {}
    alerts = reply.get("alerts") or []
    return [a for a in alerts if isinstance(a, dict) and a.get("status", "ON") != "COMPLETED"]


def delete(api: AlexaApi, alert_token: str) -> None:
    api.call("DELETE", f"{REMINDERS_PATH}/{alert_token}")


def describe(alert: dict) -> tuple[str | None, str | None]:
    """(weekday or None for daily, "HH:MM") of a reminder, read from its trigger."""
    trigger = alert.get("trigger") or {}
    recurrence = trigger.get("recurrence") or {}
    for rule in recurrence.get("recurrenceRules") or []:
        fields = dict(part.split("=", 1) for part in rule.strip(";").split(";") if "=" in part)
        if "BYHOUR" in fields:
            time = f"{int(fields['BYHOUR']):02d}:{int(fields.get('BYMINUTE', 0)):02d}"
            return (fields.get("BYDAY") if fields.get("FREQ") == "WEEKLY" else None), time
    scheduled = trigger.get("scheduledTime") or ""
    time = parse_time(scheduled[11:16]) if len(scheduled) >= 16 else None
    by_day = recurrence.get("byDay") or []
    return (by_day[0] if recurrence.get("freq") == "WEEKLY" and by_day else None), time
