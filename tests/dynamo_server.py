"""DynamoDB over real HTTP for tests: moto's server on loopback, tables built from
template.yaml's own HouseholdTable (the template is the one source of the schema).

Fixtures: ``dynamo_server`` (session: the server, with the template's table created
once), ``dynamo_table`` (a fresh table from the same template for each test),
``dynamo_store`` (the skill's DynamoDbStore on that table, straight to the server).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from skill.persistence.dynamodb import DynamoDbStore, make_client

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"

__all__ = ["any_store", "DynamoServer", "household_table_properties", "dynamo_server", "dynamo_table", "dynamo_store"]


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads !Ref, !GetAtt, !Sub ... as plain {tag: value} instead of failing."""


def _cloudformation_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


_CloudFormationLoader.add_multi_constructor("!", _cloudformation_tag)


def household_table_properties(template: Path = TEMPLATE) -> dict:
    resources = yaml.load(template.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)["Resources"]
    return resources["HouseholdTable"]["Properties"]


class DynamoServer:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.client = make_client(endpoint)
        self.table = ""

    def create_table(self, name: str | None = None) -> str:
        """A table exactly as the template declares it (keys, billing, TTL)."""
        properties = household_table_properties()
        name = name or f"households-{uuid.uuid4().hex[:12]}"
        self.client.create_table(
            TableName=name,
            KeySchema=properties["KeySchema"],
            AttributeDefinitions=properties["AttributeDefinitions"],
            BillingMode=properties["BillingMode"],
        )
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            self.client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": bool(ttl["Enabled"])},
            )
        return name

    def store(self, table: str, endpoint: str | None = None) -> DynamoDbStore:
        """The skill's own store (same client settings as on Lambda)."""
        return DynamoDbStore(table, endpoint_url=endpoint or self.endpoint)


@pytest.fixture(scope="session")
def dynamo_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    dynamo = DynamoServer(f"http://{host}:{port}")
    dynamo.table = dynamo.create_table("HouseholdTable")
    yield dynamo
    server.stop()


@pytest.fixture
def dynamo_table(dynamo_server) -> str:
    return dynamo_server.create_table()


@pytest.fixture
def dynamo_store(dynamo_server, dynamo_table) -> DynamoDbStore:
    return dynamo_server.store(dynamo_table)


@pytest.fixture(params=["embedded", "dynamodb"])
def any_store(request, tmp_path):
    """The same test against both stores: SQLite, and DynamoDB over HTTP."""
    if request.param == "embedded":
        from skill.persistence.embedded import SqliteStore

        return SqliteStore(tmp_path / "households.sqlite3")
    return request.getfixturevalue("dynamo_store")
