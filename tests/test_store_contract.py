"""One contract, two stores: the embedded SQLite store and DynamoDB over HTTP (moto's
server, table built from template.yaml) must behave the same."""

from __future__ import annotations

import threading
import time

import pytest

from skill.persistence import StoreUnavailable, VersionConflict
from skill.persistence.base import RETENTION_SECONDS, set_aside_key

NOW = 1795721400.0
HOUSEHOLD = "amzn1.ask.account.CONTRACT"


def record(**fields):
    return {"schema": 2, "seen_questions": {"days-l-01": 2}, **fields}


def test_a_new_household_has_no_record(any_store):
    assert any_store.load(HOUSEHOLD, now=NOW) is None


def test_a_record_comes_back_as_it_was_written(any_store):
    data = record(
        names={"value": ["Zoë", "Ana-María"], "ts": 1795721400123},
        checkins={"c1": {"date": "2026-11-26", "ratings": [7, 9]}},
        favourites=["days-l-01", "dreams-d-03"],
        empty={},
        nothing=None,
        flag=True,
        ratio=1.5,
    )
    assert any_store.save(HOUSEHOLD, data, None, now=NOW) == 1
    stored = any_store.load(HOUSEHOLD, now=NOW)
    assert stored.version == 1
    assert stored.data == data
    assert type(stored.data["checkins"]["c1"]["ratings"][0]) is int


def test_each_write_moves_the_version_on(any_store):
    version = any_store.save(HOUSEHOLD, record(), None, now=NOW)
    for expected in (2, 3, 4):
        version = any_store.save(HOUSEHOLD, record(n=expected), version, now=NOW)
        assert version == expected
    assert any_store.load(HOUSEHOLD, now=NOW).data["n"] == 4


def test_creating_a_record_that_exists_conflicts(any_store):
    any_store.save(HOUSEHOLD, record(who="first"), None, now=NOW)
    with pytest.raises(VersionConflict):
        any_store.save(HOUSEHOLD, record(who="second"), None, now=NOW)
    assert any_store.load(HOUSEHOLD, now=NOW).data["who"] == "first"


def test_a_stale_version_conflicts_and_changes_nothing(any_store):
    v1 = any_store.save(HOUSEHOLD, record(who="a"), None, now=NOW)
    any_store.save(HOUSEHOLD, record(who="b"), v1, now=NOW)
    with pytest.raises(VersionConflict):
        any_store.save(HOUSEHOLD, record(who="stale"), v1, now=NOW)
    stored = any_store.load(HOUSEHOLD, now=NOW)
    assert (stored.version, stored.data["who"]) == (2, "b")


def test_a_version_for_a_missing_record_conflicts(any_store):
    with pytest.raises(VersionConflict):
        any_store.save(HOUSEHOLD, record(), 3, now=NOW)
    assert any_store.load(HOUSEHOLD, now=NOW) is None


def test_concurrent_creations_let_exactly_one_win(any_store):
    outcomes = []

    def create(who):
        try:
            any_store.save(HOUSEHOLD, record(who=who), None, now=NOW)
            outcomes.append(who)
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=create, args=(f"device-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "conflict"]
    assert len(winners) == 1 and outcomes.count("conflict") == 3
    assert any_store.load(HOUSEHOLD, now=NOW).data["who"] == winners[0]


def test_delete_forgets_the_household_and_its_set_aside_copy(any_store):
    any_store.save(HOUSEHOLD, record(), None, now=NOW)
    any_store.set_aside(HOUSEHOLD, "garbage", now=NOW)
    any_store.save("amzn1.ask.account.NEIGHBOUR", record(), None, now=NOW)
    any_store.delete(HOUSEHOLD)
    assert any_store.load(HOUSEHOLD, now=NOW) is None
    assert any_store.load(set_aside_key(HOUSEHOLD), now=NOW) is None
    assert any_store.load("amzn1.ask.account.NEIGHBOUR", now=NOW) is not None
    any_store.delete(HOUSEHOLD)  # deleting nothing is fine


@pytest.mark.parametrize("raw", ["{not json", [1, "two"], {"schema": 99, "x": {"y": [1, 2]}}, 42])
def test_set_aside_keeps_the_raw_data_under_another_key(any_store, raw):
    any_store.save(HOUSEHOLD, record(), None, now=NOW)
    any_store.set_aside(HOUSEHOLD, raw, now=NOW)
    assert any_store.load(set_aside_key(HOUSEHOLD), now=NOW).data == raw
    assert any_store.load(HOUSEHOLD, now=NOW).data == record()


def test_an_expired_record_reads_as_absent_and_can_be_replaced(any_store):
    any_store.save(HOUSEHOLD, record(who="old"), None, now=NOW)
    later = NOW + RETENTION_SECONDS + 60
    assert any_store.load(HOUSEHOLD, now=NOW + RETENTION_SECONDS - 60) is not None
    assert any_store.load(HOUSEHOLD, now=later) is None
    assert any_store.save(HOUSEHOLD, record(who="new"), None, now=later) == 1
    assert any_store.load(HOUSEHOLD, now=later).data["who"] == "new"


def test_every_write_pushes_the_expiry_back(any_store):
    version = any_store.save(HOUSEHOLD, record(), None, now=NOW)
    any_store.save(HOUSEHOLD, record(n=2), version, now=NOW + 300 * 86400)
    assert any_store.load(HOUSEHOLD, now=NOW + RETENTION_SECONDS + 60) is not None


def test_a_record_of_a_hundred_kilobytes_round_trips(any_store):
    data = record(rituals_done={f"ritual-{i:05d}": "2020-01-01" for i in range(3_500)})
    any_store.save(HOUSEHOLD, data, None, now=NOW)
    assert any_store.load(HOUSEHOLD, now=NOW).data == data


def test_households_are_separate(any_store):
    any_store.save("a", record(who="a"), None, now=NOW)
    any_store.save("b", record(who="b"), None, now=NOW)
    assert any_store.load("a", now=NOW).data["who"] == "a"
    assert any_store.load("b", now=NOW).data["who"] == "b"


def test_an_unreachable_dynamodb_is_reported_in_time(dynamo_table):
    from skill.persistence.dynamodb import DynamoDbStore

    unreachable = DynamoDbStore(dynamo_table, endpoint_url="http://127.0.0.1:9")
    started = time.monotonic()
    for call in (
        lambda: unreachable.load(HOUSEHOLD),
        lambda: unreachable.save(HOUSEHOLD, record(), None, now=NOW),
        lambda: unreachable.delete(HOUSEHOLD),
    ):
        with pytest.raises(StoreUnavailable):
            call()
    assert time.monotonic() - started < 5
