"""The persistence contract shared by the embedded store and DynamoDB.

Every write is conditional on the version that was read, so two devices of one home
never erase each other's progress (the caller re-reads and merges on a conflict).
Every call takes an optional ``deadline`` (a ``time.monotonic()`` value): a store
that talks over the network gives up with :class:`StoreUnavailable` rather than
start an attempt it cannot finish by then, so a turn always answers within
Alexa's eight seconds.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

# Households inactive this long are forgotten (DynamoDB TTL on ``expires_at``; both
# stores also treat an expired record as absent when they read it).
RETENTION_SECONDS = 548 * 24 * 3600  # about 18 months


def set_aside_key(household_id: str) -> str:
    """Where an unreadable record is kept: one slot per household, so that forgetting
    the household can delete it without scanning the table."""
    return f"set-aside#{household_id}"


class VersionConflict(Exception):
    """Someone else wrote the record since it was read."""


class StoreUnavailable(Exception):
    """The store could not be reached in time (throttling, timeout, outage)."""


@dataclass
class Stored:
    """A record as read from the store. ``data`` is raw and not yet validated."""

    data: Any
    version: int


@dataclass
class StoreStats:
    """Calls made (not HTTP attempts: the fault proxy counts those)."""

    reads: int = 0
    writes: int = 0
    deletes: int = 0
    conflicts: int = 0
    extra: dict = field(default_factory=dict)


class HouseholdStore(abc.ABC):
    """One record per household, keyed by the Alexa userId."""

    def __init__(self) -> None:
        self.stats = StoreStats()

    @abc.abstractmethod
    def load(self, household_id: str, *, now: float | None = None, deadline: float | None = None) -> Stored | None:
        """The stored record, or None when there is none or it expired before ``now``."""

    @abc.abstractmethod
    def save(
        self, household_id: str, data: dict, expected_version: int | None, *, now: float, deadline: float | None = None
    ) -> int:
        """Write ``data`` if the stored version is still ``expected_version``.

        ``expected_version`` None means there must be no live record (none, or an
        expired one). The record then expires ``RETENTION_SECONDS`` after ``now``.
        Returns the new version; raises VersionConflict when the condition fails.
        """

    @abc.abstractmethod
    def delete(self, household_id: str, *, deadline: float | None = None) -> None:
        """Forget the household completely, its set-aside copy included."""

    @abc.abstractmethod
    def set_aside(self, household_id: str, raw: Any, *, now: float, deadline: float | None = None) -> None:
        """Keep an unreadable record under :func:`set_aside_key`, so nothing is destroyed."""
