"""One household's record for the length of an Alexa session.

Round trips are what a Lambda turn waits for, so the record is read at most once per
session: later turns work from the copy carried in the session attributes, and the
version travels with it. A turn that changes something writes once, conditionally on
that version; a conflict (another device of the same home wrote first) re-reads,
merges (see :mod:`skill.state`) and tries again a bounded number of times.

When the store cannot be reached the turn still answers: changes stay in the session
copy marked unsaved and the next turn tries again.
"""

from __future__ import annotations

import copy
import logging
import time
from typing import Callable

from . import state
from .persistence import HouseholdStore, StoreUnavailable, VersionConflict

log = logging.getLogger("heart.household")

SESSION_KEY = "household"
MAX_SAVE_ATTEMPTS = 4
# The session copy rides in every response (at most ~24 KB), so keep it well below.
COMPACT_AT_BYTES = 12_000


class Household:
    def __init__(
        self,
        household_id: str,
        record: dict,
        version: int | None,
        *,
        dirty: bool = False,
        reachable: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.household_id = household_id
        self.record = record
        self.version = version
        self.dirty = dirty
        self.reachable = reachable
        self.save_failed = False
        self.clock = clock

    # ---- loading -----------------------------------------------------------------
    @classmethod
    def open(cls, store: HouseholdStore, household_id: str, session_attributes: dict, *, clock=time.time):
        """The session's copy if it has one, otherwise a single read from the store."""
        carried = session_attributes.get(SESSION_KEY)
        if isinstance(carried, dict) and isinstance(carried.get("record"), dict):
            try:
                record = state.migrate(carried["record"])
                return cls(
                    household_id,
                    record,
                    carried.get("version"),
                    dirty=bool(carried.get("dirty")),
                    reachable=bool(carried.get("reachable", True)),
                    clock=clock,
                )
            except state.CorruptRecord:
                log.warning("session copy unreadable; reading the store again")
        return cls.read(store, household_id, clock=clock)

    @classmethod
    def read(cls, store: HouseholdStore, household_id: str, *, clock=time.time) -> "Household":
        today = _today(clock)
        try:
            stored = store.load(household_id)
        except StoreUnavailable as error:
            log.warning("store unreachable on read: %s", error)
            return cls(household_id, state.new_record(today), None, reachable=False, clock=clock)
        if stored is None:
            return cls(household_id, state.new_record(today), None, clock=clock)
        try:
            record = state.migrate(stored.data)
        except state.CorruptRecord as error:
            log.error("household record unreadable (%s); set aside, starting fresh", error)
            try:
                store.set_aside(household_id, stored.data, now=clock())
            except StoreUnavailable:
                log.warning("could not set the unreadable record aside")
                return cls(household_id, state.new_record(today), None, reachable=False, clock=clock)
            return cls(household_id, state.new_record(today), stored.version, dirty=True, clock=clock)
        return cls(household_id, record, stored.version, clock=clock)

    # ---- changing ----------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        return self.version is None and not self.dirty

    @property
    def time_zone(self) -> str | None:
        return state.lww_value(self.record.get("time_zone"))

    def set_time_zone(self, name: str) -> None:
        if name != self.time_zone:
            self.record["time_zone"] = state.lww(name, self.now_ms())
            self.changed()

    def local_time(self) -> time.struct_time:
        """The household's wall clock (its device's time zone once known, else UTC)."""
        zone = _zone(self.time_zone)
        if zone is None:
            return time.gmtime(self.clock())
        from datetime import datetime

        return datetime.fromtimestamp(self.clock(), zone).timetuple()

    def today(self) -> str:
        """The household's local date: an evening ritual at 11 pm counts on that day."""
        return time.strftime("%Y-%m-%d", self.local_time())

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def changed(self) -> None:
        self.dirty = True

    def touch(self) -> None:
        """Record that the household was active today (once a day: keeps the TTL fresh)."""
        today = self.today()
        if self.version is None or self.record.get("last_active") != today:
            self.record["last_active"] = today
            if not self.record.get("created"):
                self.record["created"] = today
            self.changed()

    # ---- saving ------------------------------------------------------------------
    def save(self, store: HouseholdStore, *, deadline: float | None = None) -> bool:
        """Write if anything changed. Returns False when the change is still unsaved."""
        if not self.dirty:
            return True
        self.record = state.compact(self.record, max_bytes=COMPACT_AT_BYTES, today=self.today())
        for _ in range(MAX_SAVE_ATTEMPTS):
            if deadline is not None and self.clock() > deadline:
                break
            try:
                self.version = store.save(self.household_id, self.record, self.version, now=self.clock())
                self.dirty = False
                self.reachable = True
                self.save_failed = False
                return True
            except VersionConflict:
                if not self._merge_with_stored(store):
                    break
            except StoreUnavailable as error:
                log.warning("store unreachable on write: %s", error)
                break
        self.save_failed = True
        return False

    def _merge_with_stored(self, store: HouseholdStore) -> bool:
        try:
            stored = store.load(self.household_id)
        except StoreUnavailable:
            return False
        if stored is None:
            self.version = None
            return True
        try:
            theirs = state.migrate(stored.data)
        except state.CorruptRecord:
            store.set_aside(self.household_id, stored.data, now=self.clock())
            theirs = state.new_record(self.today())
        self.record = state.merge(self.record, theirs)
        self.version = stored.version
        return True

    def forget(self, store: HouseholdStore) -> None:
        store.delete(self.household_id)
        self.record = state.new_record(self.today())
        self.version = None
        self.dirty = False

    def to_session(self) -> dict:
        return {
            "record": copy.deepcopy(self.record),
            "version": self.version,
            "dirty": self.dirty,
            "reachable": self.reachable,
        }


def _zone(name: str | None):
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # unknown or malformed zone name: fall back to UTC
        return None


def _today(clock: Callable[[], float]) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(clock()))
