"""The persistence contract shared by the embedded store and DynamoDB."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

# Households inactive this long are forgotten (DynamoDB TTL; the embedded store
# honours the same expiry when it reads).
RETENTION_SECONDS = 548 * 24 * 3600  # about 18 months


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
    """Round trips made, so tests and benchmarks can count them."""

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
    def load(self, household_id: str) -> Stored | None:
        """The stored record, or None when the household is new."""

    @abc.abstractmethod
    def save(self, household_id: str, data: dict, expected_version: int | None, *, now: float) -> int:
        """Write ``data`` if the stored version is still ``expected_version``.

        ``expected_version`` None means the record must not exist yet. Returns the new
        version; raises VersionConflict when the condition fails.
        """

    @abc.abstractmethod
    def delete(self, household_id: str) -> None:
        """Forget the household completely."""

    @abc.abstractmethod
    def set_aside(self, household_id: str, raw: Any, *, now: float) -> None:
        """Keep an unreadable record under another key, so nothing is destroyed."""
