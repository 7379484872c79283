"""The embedded store: a SQLite file, for running with no AWS at all."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .base import RETENTION_SECONDS, HouseholdStore, Stored, StoreUnavailable, VersionConflict, set_aside_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS households (
    household_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
)
"""

# A new record may replace one that expired (DynamoDB's TTL deletes lazily, and the
# embedded store has no sweeper): the same rule as the DynamoDB store's condition.
_CREATE = """
INSERT INTO households (household_id, version, data, expires_at) VALUES (?, 1, ?, ?)
ON CONFLICT(household_id) DO UPDATE SET version = 1, data = excluded.data, expires_at = excluded.expires_at
WHERE households.expires_at < ?
"""


class SqliteStore(HouseholdStore):
    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=5, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self._db.execute(_SCHEMA)

    def _run(self, sql: str, params: tuple) -> sqlite3.Cursor:
        try:
            with self._lock:
                return self._db.execute(sql, params)
        except sqlite3.OperationalError as error:  # locked or unreadable database file
            raise StoreUnavailable(str(error)) from error

    def load(self, household_id: str, *, now: float | None = None, deadline: float | None = None) -> Stored | None:
        self.stats.reads += 1
        now = time.time() if now is None else now
        row = self._run(
            "SELECT version, data, expires_at FROM households WHERE household_id = ?", (household_id,)
        ).fetchone()
        if row is None:
            return None
        version, text, expires_at = row
        if expires_at < now:
            self._run("DELETE FROM households WHERE household_id = ? AND version = ?", (household_id, version))
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = text  # handed back raw: the caller sets it aside
        return Stored(data=data, version=version)

    def save(
        self, household_id: str, data: dict, expected_version: int | None, *, now: float, deadline: float | None = None
    ) -> int:
        self.stats.writes += 1
        text = json.dumps(data, separators=(",", ":"))
        expires_at = int(now + RETENTION_SECONDS)
        if expected_version is None:
            cursor = self._run(_CREATE, (household_id, text, expires_at, now))
            new_version = 1
        else:
            new_version = expected_version + 1
            cursor = self._run(
                "UPDATE households SET version = ?, data = ?, expires_at = ? WHERE household_id = ? AND version = ?",
                (new_version, text, expires_at, household_id, expected_version),
            )
        if cursor.rowcount != 1:
            self.stats.conflicts += 1
            raise VersionConflict(household_id)
        return new_version

    def delete(self, household_id: str, *, deadline: float | None = None) -> None:
        self.stats.deletes += 1
        self._run(
            "DELETE FROM households WHERE household_id IN (?, ?)", (household_id, set_aside_key(household_id))
        )

    def set_aside(self, household_id: str, raw: Any, *, now: float, deadline: float | None = None) -> None:
        self.stats.writes += 1
        text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
        self._run(
            "INSERT OR REPLACE INTO households (household_id, version, data, expires_at) VALUES (?, 0, ?, ?)",
            (set_aside_key(household_id), text, int(now + RETENTION_SECONDS)),
        )
