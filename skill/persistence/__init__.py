"""Where households are remembered: one interface, two implementations.

:class:`HouseholdStore` is the contract. :mod:`.embedded` keeps records in a SQLite
file (local use, no AWS); :mod:`.dynamodb` keeps them in a DynamoDB table (Lambda).
Both make every write conditional on the version that was read.
"""

from __future__ import annotations

from .base import HouseholdStore, Stored, StoreUnavailable, VersionConflict


def store_from_settings(settings) -> HouseholdStore:
    """DynamoDB when a table is configured, the embedded store otherwise."""
    if settings.table_name:
        from .dynamodb import DynamoDbStore

        return DynamoDbStore(settings.table_name)
    from .embedded import SqliteStore

    return SqliteStore(settings.db_path)


__all__ = ["HouseholdStore", "Stored", "StoreUnavailable", "VersionConflict", "store_from_settings"]
