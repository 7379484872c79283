"""The DynamoDB store, used on Lambda.

Unlike the ASK SDK's DynamoDbAdapter (an unconditional put: the last writer wins),
every write here is conditional on the version that was read.

Time is what a turn cannot spare: Alexa waits eight seconds. The client has short
timeouts, and retries are ours rather than botocore's: botocore's standard mode
backs off up to 1 s then 2 s after throttling and knows no deadline, so a read and a
write could take twelve seconds between them. Here an attempt starts only if it can
finish (connect + read timeout) before the caller's deadline, with short jittered
pauses between attempts.
"""

from __future__ import annotations

import json
import os
import random
import time
from decimal import Decimal
from typing import Any

from .base import RETENTION_SECONDS, HouseholdStore, Stored, StoreUnavailable, VersionConflict, set_aside_key

KEY = "household_id"
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0
MAX_ATTEMPTS = 3
# The longest one attempt can take; no attempt starts unless this much time is left.
ATTEMPT_WORST_S = CONNECT_TIMEOUT_S + READ_TIMEOUT_S
BACKOFF_S = 0.1  # pause before the second attempt (doubled, then jittered)
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)


def make_client(endpoint_url: str | None = None):
    """A DynamoDB client with short timeouts and no retries of its own. Without
    ``endpoint_url`` boto3 honours ``AWS_ENDPOINT_URL_DYNAMODB``."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        retries={"mode": "standard", "total_max_attempts": 1},
        tcp_keepalive=True,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url, config=config)


def _to_plain(value: Any) -> Any:
    """DynamoDB numbers arrive as Decimal; the record uses int (and float if ever)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [_to_plain(v) for v in value]
    return value


def _to_dynamo(value: Any) -> Any:
    """DynamoDB takes numbers as Decimal, never float."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamo(v) for v in value]
    return value


def _pause(attempt: int) -> float:
    """No pause before the first attempt; then about 0.1 s, 0.2 s (equal jitter)."""
    if attempt == 0:
        return 0.0
    return BACKOFF_S * 2 ** (attempt - 1) * (0.5 + random.random() / 2)


class DynamoDbStore(HouseholdStore):
    # Built on first use by _load_boto (see __getattr__), not in __init__: importing
    # boto3 and building the client is the largest part of a Lambda cold start, so
    # it happens in the first turn that reaches the store (`make bench` reports both).
    _LAZY = frozenset({"client", "_serialize", "_deserialize", "_client_error", "_transient_errors", "_botocore_error"})

    def __init__(self, table_name: str, client=None, *, endpoint_url: str | None = None) -> None:
        super().__init__()
        self.table_name = table_name
        self._endpoint_url = endpoint_url
        if client is not None:
            self.client = client

    def __getattr__(self, name: str):
        """Only reached while a lazy attribute is not set yet: sets them all, once."""
        if name not in DynamoDbStore._LAZY:
            raise AttributeError(name)
        self._load_boto()
        return self.__dict__[name]

    def _load_boto(self) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
        from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

        self._serialize = TypeSerializer().serialize
        self._deserialize = TypeDeserializer().deserialize
        self._client_error = ClientError
        self._transient_errors = (ConnectionError, HTTPClientError)  # timeouts, resets, refused
        self._botocore_error = BotoCoreError
        if "client" not in self.__dict__:  # last: the error classes are set even if this fails
            self.client = make_client(self._endpoint_url)

    def _call(self, operation: str, deadline: float | None, **kwargs) -> dict:
        """One DynamoDB operation with bounded retries inside the deadline. A failed
        condition is re-raised as is; everything else becomes StoreUnavailable."""
        failure = "no time left"
        for attempt in range(MAX_ATTEMPTS):
            pause = _pause(attempt)
            if deadline is not None and time.monotonic() + pause + ATTEMPT_WORST_S > deadline:
                break
            time.sleep(pause)
            try:
                return getattr(self.client, operation)(TableName=self.table_name, **kwargs)
            except self._client_error as error:
                failure = error.response.get("Error", {}).get("Code") or "ClientError"
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
                if failure == "ConditionalCheckFailedException":
                    raise
                if failure not in RETRYABLE_CODES and status < 500:
                    break
            except self._transient_errors as error:
                failure = type(error).__name__
            except self._botocore_error as error:  # configuration, credentials: retrying won't help
                raise StoreUnavailable(f"{operation}: {type(error).__name__}") from error
        raise StoreUnavailable(f"{operation}: {failure}")

    def load(self, household_id: str, *, now: float | None = None, deadline: float | None = None) -> Stored | None:
        self.stats.reads += 1
        item = self._call("get_item", deadline, Key={KEY: {"S": household_id}}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        expires_at = item.get("expires_at", {}).get("N")
        if expires_at is not None and int(Decimal(expires_at)) < (time.time() if now is None else now):
            return None  # expired; DynamoDB's TTL deletes it within days
        version = item.get("version", {}).get("N")
        data = _to_plain(self._deserialize(item["data"])) if "data" in item else None
        return Stored(data=data, version=int(version) if version is not None else 0)

    def save(
        self, household_id: str, data: dict, expected_version: int | None, *, now: float, deadline: float | None = None
    ) -> int:
        self.stats.writes += 1
        new_version = 1 if expected_version is None else expected_version + 1
        item = {
            KEY: {"S": household_id},
            "version": {"N": str(new_version)},
            "data": self._serialize(_to_dynamo(data)),
            "expires_at": {"N": str(int(now + RETENTION_SECONDS))},
        }
        if expected_version is None:
            condition = {
                "ConditionExpression": "attribute_not_exists(household_id) OR expires_at < :now",
                "ExpressionAttributeValues": {":now": {"N": str(int(now))}},
            }
        else:
            condition = {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            self._call("put_item", deadline, Item=item, **condition)
        except self._client_error as error:  # only a failed condition gets here
            self.stats.conflicts += 1
            raise VersionConflict(household_id) from error
        return new_version

    def delete(self, household_id: str, *, deadline: float | None = None) -> None:
        self.stats.deletes += 1
        for key in (household_id, set_aside_key(household_id)):
            self._call("delete_item", deadline, Key={KEY: {"S": key}})

    def set_aside(self, household_id: str, raw: Any, *, now: float, deadline: float | None = None) -> None:
        """Copies the unreadable data as it was (it fitted in an item, so the copy does)."""
        self.stats.writes += 1
        try:
            data = self._serialize(_to_dynamo(raw))
        except (TypeError, ValueError):
            data = {"S": json.dumps(raw, default=str)}
        self._call(
            "put_item",
            deadline,
            Item={
                KEY: {"S": set_aside_key(household_id)},
                "version": {"N": "0"},
                "data": data,
                "expires_at": {"N": str(int(now + RETENTION_SECONDS))},
            },
        )
