"""The household record: what Heart to Heart remembers, and how two copies merge.

A record holds only ids, dates, counts and ratings, never anything a couple said.
Every field has a *kind* that says how two concurrent copies join without losing
either side's progress (the record is a small state-based CRDT):

- ``max_map``  ``{key: int}``: per key the larger count (questions and tips heard).
- ``set``      sorted list of strings: union (favourite questions).
- ``union_map`` ``{id: value}``: union of immutable entries (completed rituals,
  check-ins); the same id always carries the same value.
- ``lww``      ``{"value": ..., "ts": ms}`` or ``None``: the later write wins (names,
  a ritual in progress, the default ritual length, the last question asked).
- ``min`` / ``max``: the smaller / larger of two comparable values (dates).

The store adds a version number; a write that lost the race re-reads, merges with
:func:`merge` and tries again, so no device erases another's progress.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any, Callable

SCHEMA_VERSION = 2

FIELD_KINDS: dict[str, str] = {
    "created": "min",
    "last_active": "max",
    "names": "lww",
    "voices": "union_map",
    "seen_questions": "max_map",
    "favourites": "set",
    "seen_tips": "max_map",
    "ritual": "lww",
    "ritual_length": "lww",
    "rituals_done": "union_map",
    "games_done": "union_map",
    "checkin": "lww",
    "checkins": "union_map",
    "archive": "archive",
    "time_zone": "lww",
    "last_question": "lww",
}

_EMPTY_BY_KIND: dict[str, Callable[[], Any]] = {
    "min": lambda: None,
    "max": lambda: None,
    "lww": lambda: None,
    "union_map": dict,
    "max_map": dict,
    "set": list,
    "archive": lambda: {"before": None, "rituals": 0, "games": 0, "checkins": 0},
}


class CorruptRecord(ValueError):
    """The stored data cannot be read as a household record."""


def new_record(today: str | None = None) -> dict:
    record = {name: _EMPTY_BY_KIND[kind]() for name, kind in FIELD_KINDS.items()}
    record["schema"] = SCHEMA_VERSION
    record["created"] = today
    record["last_active"] = today
    return record


def _merge_field(kind: str, mine: Any, theirs: Any) -> Any:
    if kind in ("min", "max"):
        present = [value for value in (mine, theirs) if value is not None]
        if not present:
            return None
        return min(present) if kind == "min" else max(present)
    if kind == "max_map":
        merged = dict(theirs or {})
        for key, count in (mine or {}).items():
            merged[key] = max(count, merged.get(key, 0))
        return merged
    if kind == "set":
        return sorted(set(mine or []) | set(theirs or []))
    if kind == "union_map":
        merged = dict(theirs or {})
        for key, value in (mine or {}).items():
            if key not in merged or _stable(value) > _stable(merged[key]):
                merged[key] = value
        return merged
    if kind == "lww":
        if mine is None or theirs is None:
            return mine if theirs is None else theirs
        return mine if (mine["ts"], _stable(mine)) >= (theirs["ts"], _stable(theirs)) else theirs
    if kind == "archive":
        return _merge_archive(mine, theirs)
    raise ValueError(f"unknown field kind {kind}")


def _merge_archive(mine: dict | None, theirs: dict | None) -> dict:
    """The archive with the later cut-off already counts everything before it."""
    candidates = [a for a in (mine, theirs) if a and a.get("before")]
    if not candidates:
        return mine or theirs or _EMPTY_BY_KIND["archive"]()
    return max(candidates, key=lambda a: (a["before"], a.get("rituals", 0), a.get("games", 0), a.get("checkins", 0)))


def _stable(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def merge(mine: dict, theirs: dict) -> dict:
    """Join two copies of one household's record; neither side's progress is lost."""
    merged = {name: _merge_field(kind, mine.get(name), theirs.get(name)) for name, kind in FIELD_KINDS.items()}
    merged["schema"] = SCHEMA_VERSION
    before = merged["archive"].get("before")
    if before:
        _drop_archived(merged, before)
    return merged


def _drop_archived(record: dict, before: str) -> None:
    record["rituals_done"] = {k: d for k, d in record["rituals_done"].items() if d >= before}
    record["games_done"] = {k: d for k, d in record["games_done"].items() if d >= before}
    record["checkins"] = {k: c for k, c in record["checkins"].items() if c.get("date", "") >= before}


def migrate(raw: Any) -> dict:
    """Bring a stored record of any known schema up to date, or raise CorruptRecord.

    The result shares its values with ``raw``: callers pass freshly decoded data (from
    the store or the session JSON) and do not use ``raw`` afterwards."""
    if not isinstance(raw, dict):
        raise CorruptRecord("record is not a mapping")
    schema = raw.get("schema", 1)
    if schema == 1:
        raw = _migrate_v1(raw)
    elif schema != SCHEMA_VERSION:
        raise CorruptRecord("unknown schema")  # never the value itself: logs carry no content
    record = new_record()
    for name, kind in FIELD_KINDS.items():
        if name in raw and raw[name] is not None:
            value = raw[name]
            _check_kind(name, kind, value)
            record[name] = value
    record["schema"] = SCHEMA_VERSION
    return record


def _migrate_v1(raw: dict) -> dict:
    """Schema 1 (the first release) kept a flat list of asked question ids."""
    upgraded = {key: value for key, value in raw.items() if key in FIELD_KINDS}
    asked = raw.get("asked_questions", [])
    if not isinstance(asked, list):
        raise CorruptRecord("asked_questions is not a list")
    upgraded["seen_questions"] = {str(qid): 1 for qid in asked}
    if isinstance(raw.get("names"), list) and len(raw["names"]) == 2:
        upgraded["names"] = {"value": [str(n) for n in raw["names"]], "ts": 0}
    elif "names" in upgraded and not isinstance(upgraded["names"], dict):
        upgraded.pop("names")
    upgraded["schema"] = SCHEMA_VERSION
    return upgraded


_TYPE_BY_KIND = {"max_map": dict, "union_map": dict, "set": list, "archive": dict}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# What each union_map entry must be: a string (a date, or "a"/"b" for voices) or a
# dict carrying its "date". Fields not listed may hold either.
_ENTRY_TYPES: dict[str, type] = {"voices": str, "rituals_done": str, "games_done": str, "checkins": dict}


def _valid_entry(name: str, value: Any) -> bool:
    kind = _ENTRY_TYPES.get(name)
    if isinstance(value, str):
        return kind in (None, str)
    return kind in (None, dict) and isinstance(value, dict) and isinstance(value.get("date"), str)


def _check_kind(name: str, kind: str, value: Any) -> None:
    """Reject shapes that would make merge or compact fail later (messages name the
    field, never its content)."""
    expected = _TYPE_BY_KIND.get(kind)
    if expected is not None and not isinstance(value, expected):
        raise CorruptRecord(f"field {name} has the wrong shape")
    if kind == "max_map" and not all(_is_int(v) for v in value.values()):
        raise CorruptRecord(f"field {name} holds a non-integer count")
    if kind == "set" and not all(isinstance(v, str) for v in value):
        raise CorruptRecord(f"field {name} holds a non-string member")
    if kind == "union_map" and not all(_valid_entry(name, v) for v in value.values()):
        raise CorruptRecord(f"field {name} holds an undated entry")
    if kind == "lww" and not (isinstance(value, dict) and _is_int(value.get("ts")) and "value" in value):
        raise CorruptRecord(f"field {name} is not a timestamped value")
    if kind in ("min", "max") and not isinstance(value, str):
        raise CorruptRecord(f"field {name} is not a date")
    if kind == "archive" and not (
        (value.get("before") is None or isinstance(value.get("before"), str))
        and all(_is_int(value.get(k, 0)) for k in ("rituals", "games", "checkins"))
    ):
        raise CorruptRecord(f"field {name} has the wrong shape")


def size_of(record: dict) -> int:
    return len(json.dumps(record, separators=(",", ":")))


# History older than this many days is folded into counts, the longest span first;
# the last month is never folded (progress talks about recent weeks).
COMPACT_KEEP_DAYS = (120, 60, 30)


def compact(record: dict, *, max_bytes: int, today: str, keep_days: tuple[int, ...] = COMPACT_KEEP_DAYS) -> dict:
    """Fold old completion history into counts so the record stays small.

    Alexa carries a copy of the record in the session (a response may be at most
    about 24 KB) and DynamoDB items stop at 400 KB, so once the record grows past
    ``max_bytes``, completions older than ``keep_days`` become numbers in
    ``archive`` (trying shorter spans until it fits). Counts of questions heard are
    kept whole: they are what keeps the deck from repeating. The result may still
    exceed ``max_bytes`` when the bulk is not history; the caller copes (see
    ``Household.to_session``).
    """
    for days in keep_days:
        if size_of(record) <= max_bytes:
            break
        record = _fold_before(record, (date.fromisoformat(today) - timedelta(days=days)).isoformat())
    return record


def _fold_before(record: dict, cut: str) -> dict:
    archive = record.get("archive") or _EMPTY_BY_KIND["archive"]()
    if archive.get("before") and archive["before"] >= cut:
        return record
    folded = copy.deepcopy(record)
    archive = dict(archive)
    archive["rituals"] = archive.get("rituals", 0) + sum(1 for d in folded["rituals_done"].values() if d < cut)
    archive["games"] = archive.get("games", 0) + sum(1 for d in folded["games_done"].values() if d < cut)
    archive["checkins"] = archive.get("checkins", 0) + sum(
        1 for c in folded["checkins"].values() if c.get("date", "") < cut
    )
    archive["before"] = cut
    folded["archive"] = archive
    _drop_archived(folded, cut)
    return folded


def changes(base: dict | None, current: dict) -> dict:
    """The part of ``current`` that ``base`` lacks, as a partial record:
    ``merge(changes(base, current), base) == merge(current, base)``. Carried in the
    session when the whole record is too large to ride along."""
    base = base or {}
    delta: dict = {"schema": SCHEMA_VERSION}
    for name, kind in FIELD_KINDS.items():
        mine, theirs = current.get(name), base.get(name)
        if mine is None or mine == theirs:
            continue
        if kind == "max_map":
            mine = {k: v for k, v in mine.items() if v > (theirs or {}).get(k, 0)}
        elif kind == "set":
            mine = sorted(set(mine) - set(theirs or []))
        elif kind == "union_map":
            mine = {k: v for k, v in mine.items() if (theirs or {}).get(k) != v}
        delta[name] = mine
    return delta


# "Tonight": what moved less than this long ago belongs to the same evening. Used by the
# ritual, the check-in and "that question", without knowing the household's time zone.
EVENING_MS = 6 * 3_600_000


def same_evening(then_ms: int, now_ms: int) -> bool:
    """``then_ms`` is this evening's (a clock that went backwards does not count)."""
    return 0 <= now_ms - then_ms < EVENING_MS


def lww(value: Any, ts: int) -> dict:
    return {"value": value, "ts": ts}


def lww_value(register: dict | None, default: Any = None) -> Any:
    return default if register is None else register["value"]
