"""DynamoDB on loopback for the benchmarks: moto's server and the two tables.

Everything listens on 127.0.0.1 only. Requests are counted by the test suite's proxy
(tests/fault_proxy.py) put in front of this server.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
REFERENCE_TABLE = "reference-visits"
OURS_TABLE = "heart-households"


class _CfnLoader(yaml.SafeLoader):
    """Reads template.yaml, ignoring CloudFormation tags (!Ref, !GetAtt, ...)."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def household_table_properties(template: Path = ROOT / "template.yaml") -> dict:
    """``HouseholdTable``'s properties from template.yaml: the single source of truth."""
    resources = yaml.load(template.read_text(encoding="utf-8"), Loader=_CfnLoader)["Resources"]
    return resources["HouseholdTable"]["Properties"]


def create_tables(client) -> dict[str, str]:
    """Ours as template.yaml declares it; the reference's as its adapter expects
    (partition key ``id``; the provisioned 5/5 the adapter's auto-create would use)."""
    props = household_table_properties()
    wanted = {key: props[key] for key in ("AttributeDefinitions", "KeySchema", "BillingMode") if key in props}
    if props.get("SSESpecification", {}).get("SSEEnabled"):
        wanted["SSESpecification"] = {"Enabled": True}
    client.create_table(TableName=OURS_TABLE, **wanted)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=OURS_TABLE, TimeToLiveSpecification=ttl)
    client.create_table(
        TableName=REFERENCE_TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    return {"ours": OURS_TABLE, "reference": REFERENCE_TABLE}


@contextmanager
def dynamodb_on_loopback():
    """Yields the URL of moto's server, with both tables; it stops when the block ends."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        client = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        create_tables(client)
        yield url
    finally:
        server.stop()
