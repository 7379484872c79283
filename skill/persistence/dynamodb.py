"""The DynamoDB store, used on Lambda.

Unlike the ASK SDK's DynamoDbAdapter (an unconditional put: the last writer wins),
every write here is conditional on the version that was read. The client is built
with short timeouts and boto3's standard retry mode so a slow table costs at most a
few seconds of Alexa's eight, never the whole turn.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

from .base import RETENTION_SECONDS, HouseholdStore, Stored, StoreUnavailable, VersionConflict

KEY = "household_id"
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0
MAX_ATTEMPTS = 3


def make_client():
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        tcp_keepalive=True,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.client("dynamodb", region_name=region, config=config)


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


class DynamoDbStore(HouseholdStore):
    def __init__(self, table_name: str, client=None) -> None:
        super().__init__()
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.table_name = table_name
        self.client = client or make_client()
        self._serialize = TypeSerializer().serialize
        self._deserialize = TypeDeserializer().deserialize
        from botocore.exceptions import BotoCoreError, ClientError

        self._client_error = ClientError
        self._transport_errors = (BotoCoreError, ClientError)

    def _call(self, operation: str, **kwargs) -> dict:
        try:
            return getattr(self.client, operation)(TableName=self.table_name, **kwargs)
        except self._client_error as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise
            raise StoreUnavailable(f"{operation}: {error.response.get('Error', {}).get('Code')}") from error
        except self._transport_errors as error:
            raise StoreUnavailable(f"{operation}: {type(error).__name__}") from error

    def load(self, household_id: str) -> Stored | None:
        self.stats.reads += 1
        item = self._call("get_item", Key={KEY: {"S": household_id}}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return self._stored(item)

    def _stored(self, item: dict) -> Stored:
        version = item.get("version", {}).get("N")
        data = self._deserialize(item["data"]) if "data" in item else None
        return Stored(data=_to_plain(data), version=int(version) if version is not None else 0)

    def save(self, household_id: str, data: dict, expected_version: int | None, *, now: float) -> int:
        self.stats.writes += 1
        new_version = 1 if expected_version is None else expected_version + 1
        item = {
            KEY: {"S": household_id},
            "version": {"N": str(new_version)},
            "data": self._serialize(_to_dynamo(data)),
            "expires_at": {"N": str(int(now + RETENTION_SECONDS))},
        }
        if expected_version is None:
            condition = {"ConditionExpression": "attribute_not_exists(household_id)"}
        else:
            condition = {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            self._call("put_item", Item=item, **condition)
        except self._client_error as error:  # only a failed condition gets here
            self.stats.conflicts += 1
            raise VersionConflict(household_id) from error
        return new_version

    def delete(self, household_id: str) -> None:
        self.stats.deletes += 1
        self._call("delete_item", Key={KEY: {"S": household_id}})

    def set_aside(self, household_id: str, raw: Any, *, now: float) -> None:
        self.stats.writes += 1
        self._call(
            "put_item",
            Item={
                KEY: {"S": f"set-aside#{int(now * 1000)}#{household_id}"},
                "version": {"N": "0"},
                "raw": {"S": json.dumps(raw, default=str)[:300_000]},
                "expires_at": {"N": str(int(now + RETENTION_SECONDS))},
            },
        )
