"""Two devices of one household, one evening: nothing either of them does is lost.

Each device is its own Lambda container (``lambda/app.py`` imported anew, its skill
on its own DynamoDB client) and its own Alexa session; both talk to moto's DynamoDB
server over HTTP. They take turns in lockstep from two threads, so their writes
really do race, and every turn marks a change no other turn makes. At the end every
one of those changes must be in the table. The same run against a plain
last-writer-wins put (what the ASK SDK's DynamoDbAdapter does) loses some, which
shows the test can tell.
"""

from __future__ import annotations

import threading

from alexa import Conversation, reprompt_text, speech_text
from probe_feature import HEARD, RITUAL_DONE, containers, with_probe  # noqa: F401 (fixtures)

from skill.household import Household
from skill.persistence.dynamodb import DynamoDbStore

HOUSEHOLD = "amzn1.ask.account.TWODEVICES"
TURNS_PER_DEVICE = 100
NEW_SESSION_EVERY = 20  # a session ends and a new one reads the store again


class LastWriterWinsStore(DynamoDbStore):
    """Writes like the ASK SDK's DynamoDbAdapter: an unconditional put."""

    def save(self, household_id, data, expected_version, *, now, deadline=None):
        self.stats.writes += 1
        self.client.put_item(
            TableName=self.table_name,
            Item={"household_id": {"S": household_id}, "version": {"N": "1"}, "data": self._serialize(data)},
        )
        return 1


def change_id(device: str, turn: int) -> tuple[str, str]:
    """Even turns mark a question heard, odd ones complete a ritual: both kinds of merge."""
    return (HEARD, f"{device}-q{turn:03d}") if turn % 2 == 0 else (RITUAL_DONE, f"{device}-r{turn:03d}")


def run_two_devices(handlers) -> list[str]:
    """Both devices take TURNS_PER_DEVICE state-changing turns in lockstep; returns
    problems seen in responses (none expected)."""
    barrier = threading.Barrier(len(handlers), timeout=60)
    problems: list[str] = []

    def device(name: str, handler) -> None:
        talk = Conversation(handler, user_id=HOUSEHOLD)
        try:
            talk.launch()
            for turn in range(TURNS_PER_DEVICE):
                barrier.wait()
                if turn and turn % NEW_SESSION_EVERY == 0:
                    talk.end()
                    talk.launch()
                intent, change = change_id(name, turn)
                response = talk.say(intent, id=change)
                if not speech_text(response) or not reprompt_text(response) or not talk.open:
                    problems.append(f"{name} turn {turn}: {response}")
            talk.end()
        except Exception as error:  # surfaced by the assertion below, not lost in a thread
            problems.append(f"{name}: {error!r}")
            barrier.abort()

    threads = [threading.Thread(target=device, args=(f"d{i}", h)) for i, h in enumerate(handlers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def lost_changes(store) -> list[str]:
    record = Household.read(store, HOUSEHOLD).record
    kept = set(record["seen_questions"]) | set(record["rituals_done"])
    expected = {change_id(device, turn)[1] for device in ("d0", "d1") for turn in range(TURNS_PER_DEVICE)}
    return sorted(expected - kept)


def test_two_devices_lose_nothing(dynamo_server, dynamo_table, containers):
    """200 interleaved state-changing turns through the real Lambda handler, two
    containers configured as on Lambda (HEART_TABLE + AWS_ENDPOINT_URL_DYNAMODB)."""
    handlers = [containers(table=dynamo_table, endpoint=dynamo_server.endpoint) for _ in range(2)]
    assert run_two_devices(handlers) == []
    store = dynamo_server.store(dynamo_table)
    assert lost_changes(store) == []
    record = Household.read(store, HOUSEHOLD).record
    assert all(count == 1 for count in record["seen_questions"].values())


def test_the_same_run_with_last_writer_wins_loses_changes(dynamo_server, dynamo_table, containers):
    handlers = [containers(store=LastWriterWinsStore(dynamo_table, endpoint_url=dynamo_server.endpoint))
                for _ in range(2)]
    assert run_two_devices(handlers) == []
    lost = lost_changes(dynamo_server.store(dynamo_table))
    assert len(lost) > 0, "a last-writer-wins put should have erased some of the other device's turns"
