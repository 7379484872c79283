"""How the couple is doing, from the record alone: pure functions, no I/O.

The summary counts rituals and check-ins in the last 7 and 30 days, the questions
explored, and compares the latest check-in's ratings with the average of the (up to)
four check-ins before it. It returns speech keys with values, so the wording stays in
the speech files and nothing here can shame: a dip is only ever called "a little
lower", with an encouraging sentence after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEK_DAYS = 7
MONTH_DAYS = 30
TREND_WINDOW = 4
# A change smaller than this (on the 1-10 scale) is "steady".
TREND_THRESHOLD = 0.5


@dataclass(frozen=True)
class Summary:
    rituals_week: int
    rituals_month: int
    checkins_week: int
    checkins_month: int
    questions: int
    trend: str | None  # "up", "down", "steady", or None (not enough check-ins yet)
    latest: float | None
    before: float | None
    has_history: bool


def _since(today: str, days: int) -> str:
    return (date.fromisoformat(today) - timedelta(days=days - 1)).isoformat()


def _count(dates, since: str, today: str) -> int:
    return sum(1 for d in dates if isinstance(d, str) and since <= d <= today)


def _average(ratings) -> float | None:
    present = [r for r in ratings or [] if isinstance(r, (int, float)) and not isinstance(r, bool)]
    return sum(present) / len(present) if present else None


def rated_checkins(checkins: dict) -> list[float]:
    """Each check-in's average rating, oldest first; check-ins with no rating left out."""
    ordered = sorted(checkins.items(), key=lambda item: (item[1].get("date", ""), item[0]))
    averages = (_average(entry.get("ratings")) for _, entry in ordered)
    return [a for a in averages if a is not None]


def trend(averages: list[float]) -> tuple[str | None, float | None, float | None]:
    if len(averages) < 2:
        return None, (averages[-1] if averages else None), None
    latest = averages[-1]
    before = sum(averages[-1 - TREND_WINDOW : -1]) / len(averages[-1 - TREND_WINDOW : -1])
    if latest - before >= TREND_THRESHOLD:
        return "up", latest, before
    if before - latest >= TREND_THRESHOLD:
        return "down", latest, before
    return "steady", latest, before


def summarise(record: dict, today: str) -> Summary:
    rituals = list((record.get("rituals_done") or {}).values())
    checkins = record.get("checkins") or {}
    checkin_dates = [entry.get("date") for entry in checkins.values()]
    archive = record.get("archive") or {}
    questions = len(record.get("seen_questions") or {})
    week, month = _since(today, WEEK_DAYS), _since(today, MONTH_DAYS)
    direction, latest, before = trend(rated_checkins(checkins))
    return Summary(
        rituals_week=_count(rituals, week, today),
        rituals_month=_count(rituals, month, today),
        checkins_week=_count(checkin_dates, week, today),
        checkins_month=_count(checkin_dates, month, today),
        questions=questions,
        trend=direction,
        latest=latest,
        before=before,
        has_history=bool(rituals or checkins or questions or archive.get("rituals") or archive.get("checkins")),
    )


def _plural(prefix: str, count: int) -> str:
    return f"{prefix}.{'none' if count == 0 else 'one' if count == 1 else 'many'}"


def _score(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def sentences(summary: Summary) -> list[tuple[str, dict]]:
    """The summary as (speech key, values), in speaking order."""
    if not summary.has_history:
        return [("progress.empty", {})]
    said: list[tuple[str, dict]] = [("progress.intro", {})]
    if summary.rituals_month:
        said.append((_plural("progress.rituals_week", summary.rituals_week), {"count": summary.rituals_week}))
        said.append((_plural("progress.rituals_month", summary.rituals_month), {"count": summary.rituals_month}))
    if summary.checkins_month:
        said.append((_plural("progress.checkins_week", summary.checkins_week), {"count": summary.checkins_week}))
        said.append((_plural("progress.checkins_month", summary.checkins_month), {"count": summary.checkins_month}))
    if not summary.rituals_month and not summary.checkins_month:
        said.append(("progress.quiet_month", {}))
    if summary.questions:
        said.append((_plural("progress.questions", summary.questions), {"count": summary.questions}))
    if summary.trend:
        values = {"latest": _score(summary.latest), "before": _score(summary.before)}
        said.append((f"progress.trend_{summary.trend}", values))
    elif summary.latest is not None:
        said.append(("progress.trend_first", {"latest": _score(summary.latest)}))
    said.append(("progress.closing", {}))
    return said
