"""One household's record for the length of an Alexa session.

Round trips are what a Lambda turn waits for, so the record is read at most once per
session: later turns work from the copy carried in the session attributes, and the
version travels with it. A turn that changes something writes once, conditionally on
that version; a conflict (another device of the same home wrote first) re-reads,
merges (see :mod:`skill.state`) and tries again a bounded number of times.

Time is bounded too: all store work of a turn ends within ``TURN_BUDGET_S`` of the
household being opened (the read within ``READ_BUDGET_S``), whatever the database
does. When the store cannot be reached the turn still answers: changes stay in the
session copy marked unsaved, and the next turn tries again.

Invariant: ``version`` is only set when ``record`` contains everything the store
held at that version, so a successful conditional write never drops anything.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Callable

from . import state
from .persistence import HouseholdStore, StoreUnavailable, VersionConflict
from .persistence.base import Stored

log = logging.getLogger("heart.household")

SESSION_KEY = "household"
MAX_SAVE_ATTEMPTS = 5
# Alexa waits 8 s; keep 2 s for a cold start, the handler and the network.
READ_BUDGET_S = 3.0
TURN_BUDGET_S = 6.0
# History is folded into counts past this size (see state.compact) ...
COMPACT_AT_BYTES = 10_000
# ... and a record still larger than this does not ride in the session (a whole
# response is at most about 24 KB): the session then carries only its unsaved
# changes, and the next turn reads the store again.
SESSION_RECORD_MAX_BYTES = 12_000


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
        base: dict | None = None,
    ) -> None:
        self.household_id = household_id
        self.record = record
        self.version = version
        self.dirty = dirty
        self.reachable = reachable
        self.save_failed = False
        self.first_visit = False
        self.clock = clock
        # The record as stored at ``version``, when known: what a lean session diffs against.
        self.base = base
        self.deadline = time.monotonic() + TURN_BUDGET_S

    # ---- loading -----------------------------------------------------------------
    @classmethod
    def open(cls, store: HouseholdStore, household_id: str, session_attributes: dict, *, clock=time.time):
        """The session's copy if it has one, otherwise a single read from the store.

        The store is read again only when the carried copy is incomplete: the first
        read failed, or the record was too large to carry. Unsaved changes carried in
        the session are merged into what is read."""
        carried = session_attributes.get(SESSION_KEY)
        pending = None
        if isinstance(carried, dict):
            try:
                carried_record = _decode(carried.get("record"))
                if isinstance(carried_record, dict):
                    record = state.migrate(carried_record)
                    dirty = bool(carried.get("dirty"))
                    if carried.get("reachable", True):
                        base = None if dirty else _decode(carried["record"])
                        return cls(household_id, record, carried.get("version"), dirty=dirty, clock=clock, base=base)
                    pending = record if dirty else None
                elif isinstance(carried.get("changes"), dict):
                    pending = state.migrate(carried["changes"])
            except state.CorruptRecord:
                log.warning("session copy unreadable; reading the store", extra={"event": "session_copy_unreadable"})
        household = cls.read(store, household_id, clock=clock)
        if pending is not None:
            household.record = state.merge(pending, household.record)
            household.dirty = True
        return household

    @classmethod
    def read(cls, store: HouseholdStore, household_id: str, *, clock=time.time) -> "Household":
        household = cls(household_id, state.new_record(_today(clock)), None, clock=clock)
        try:
            stored = store.load(household_id, now=clock(), deadline=time.monotonic() + READ_BUDGET_S)
        except StoreUnavailable as error:
            log.warning("store unreachable on read", extra={"event": "store_unreachable", "reason": str(error)})
            household.reachable = False
            return household
        if stored is None:
            household.first_visit = True
            return household
        household.record = state.new_record()
        if not household._absorb(store, stored):
            household.record = state.new_record(_today(clock))
            household.reachable = False  # unreadable and not set aside: never overwrite it
            return household
        household.record = state.compact(household.record, max_bytes=COMPACT_AT_BYTES, today=household.today())
        household.base = snapshot(household.record)
        return household

    def _absorb(self, store: HouseholdStore, stored: Stored) -> bool:
        """Merge a stored record into ours and take its version. An unreadable one is
        set aside first (and will be replaced); False when that failed."""
        try:
            theirs = state.migrate(stored.data)
        except state.CorruptRecord as error:
            log.error(
                "household record unreadable; set aside, starting fresh",
                extra={"event": "record_set_aside", "reason": str(error)},
            )
            try:
                store.set_aside(self.household_id, stored.data, now=self.clock(), deadline=self.deadline)
            except StoreUnavailable:
                log.warning("could not set the unreadable record aside", extra={"event": "set_aside_failed"})
                return False
            theirs, self.dirty = state.new_record(), True
        self.record = state.merge(self.record, theirs)
        self.version = stored.version
        return True

    # ---- changing ----------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        """The store had no record for this household when the session began (what
        the turn has changed since, a learned time zone say, does not count)."""
        return self.first_visit

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
    def save(self, store: HouseholdStore) -> bool:
        """Write if anything changed. Returns False when the change is still unsaved."""
        if not self.dirty:
            return True
        self.record = state.compact(self.record, max_bytes=COMPACT_AT_BYTES, today=self.today())
        for attempt in range(MAX_SAVE_ATTEMPTS):
            try:
                self.version = store.save(
                    self.household_id, self.record, self.version, now=self.clock(), deadline=self.deadline
                )
            except VersionConflict:
                if attempt + 1 < MAX_SAVE_ATTEMPTS and self._merge_stored(store):
                    continue
                break
            except StoreUnavailable as error:
                log.warning("store unreachable on write", extra={"event": "store_unreachable", "reason": str(error)})
                break
            self.dirty = self.save_failed = False
            self.reachable = True
            self.base = snapshot(self.record)
            return True
        if not self.dirty:  # the household was forgotten meanwhile: nothing left to save
            return True
        self.save_failed = True
        return False

    def _merge_stored(self, store: HouseholdStore) -> bool:
        """After a conflict: read what the other device wrote and merge it in."""
        try:
            stored = store.load(self.household_id, now=self.clock(), deadline=self.deadline)
        except StoreUnavailable as error:
            log.warning("store unreachable on re-read", extra={"event": "store_unreachable", "reason": str(error)})
            return False
        if stored is None:
            if self.version is not None:
                # Deleted since we read it ("forget us" on another device, or expiry):
                # writing our copy back would bring the household's data back to life.
                log.info("household forgotten meanwhile", extra={"event": "forgotten_meanwhile"})
                self._start_over()
                return False
            return True
        return self._absorb(store, stored)

    def forget(self, store: HouseholdStore) -> bool:
        """Delete the household's record; False when the store could not be reached."""
        try:
            store.delete(self.household_id, deadline=self.deadline)
        except StoreUnavailable as error:
            log.warning("store unreachable on delete", extra={"event": "store_unreachable", "reason": str(error)})
            return False
        self._start_over()
        return True

    def _start_over(self) -> None:
        self.record = state.new_record(self.today())
        self.version = None
        self.dirty = False
        self.base = None

    def to_session(self) -> dict:
        """The copy carried to the next turn: the whole record when it fits, otherwise
        only its unsaved changes (the next turn then reads the store)."""
        text = json.dumps(self.record, separators=(",", ":"))
        if len(text) <= SESSION_RECORD_MAX_BYTES:
            return {
                # As one JSON string: the SDK deep-copies session attributes on every
                # request and walks them on every response, a string costs it nothing.
                "record": text,
                "version": self.version,
                "dirty": self.dirty,
                "reachable": self.reachable,
            }
        changes = state.changes(self.base, self.record) if self.dirty else None
        if changes is not None and state.size_of(changes) > SESSION_RECORD_MAX_BYTES:
            log.error("unsaved changes too large to carry; dropped", extra={"event": "changes_dropped"})
            changes = None
        return {"changes": changes}


def _decode(carried):
    """The carried record: a JSON string (or, from older sessions, a mapping)."""
    if isinstance(carried, str):
        try:
            return json.loads(carried)
        except ValueError:
            raise state.CorruptRecord("session copy is not JSON") from None
    return carried


def snapshot(record: dict) -> dict:
    """An independent copy of a record. A JSON round trip is several times faster than
    copy.deepcopy for these plain dicts, and a turn that writes nothing pays for it."""
    return json.loads(json.dumps(record))


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
