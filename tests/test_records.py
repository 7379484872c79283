"""Records that are old, broken or huge: migrated, set aside, compacted; never a crash.

Also the record's merge itself: two copies join without losing either side, in any
order, any number of times.
"""

from __future__ import annotations

import json
import logging
import random

import pytest
from alexa import Conversation, reprompt_text, speech_text
from probe_feature import HEARD, containers, with_probe  # noqa: F401 (fixtures)

from skill import state
from skill.household import COMPACT_AT_BYTES, SESSION_KEY, Household
from skill.logs import JsonFormatter
from skill.persistence.base import set_aside_key
from skill.persistence.embedded import SqliteStore

HOUSEHOLD = "amzn1.ask.account.RECORDS"
MARKER = "PRIVATE-CONTENT-7f3a"  # if this reaches a log line, content leaked
ALEXA_RESPONSE_LIMIT = 24_000


@pytest.fixture
def heart_logs():
    """Every line the skill logs, formatted as in production."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(JsonFormatter().format(record))

    handler = Collect()
    logger = logging.getLogger("heart")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def talk_to(containers, store, clock) -> Conversation:
    return Conversation(containers(store=store, clock=clock), user_id=HOUSEHOLD)


def assert_answers(response: dict) -> None:
    assert speech_text(response) and reprompt_text(response)
    assert response["response"]["shouldEndSession"] is False
    assert len(json.dumps(response)) < ALEXA_RESPONSE_LIMIT


# ---- schema 1 ------------------------------------------------------------------------
def test_a_schema_1_record_is_migrated_and_keeps_its_progress(any_store, containers, clock):
    first_release = {"asked_questions": ["days-l-01", "days-l-02"], "names": ["Sam", "Alex"], "created": "2025-03-01"}
    any_store.save(HOUSEHOLD, first_release, None, now=clock())
    talk = talk_to(containers, any_store, clock)
    assert_answers(talk.launch())
    assert_answers(talk.say(HEARD, id="days-l-03"))
    stored = any_store.load(HOUSEHOLD, now=clock()).data
    assert stored["schema"] == state.SCHEMA_VERSION
    assert stored["seen_questions"] == {"days-l-01": 1, "days-l-02": 1, "days-l-03": 1}
    assert state.lww_value(stored["names"]) == ["Sam", "Alex"]
    assert stored["created"] == "2025-03-01"
    assert "asked_questions" not in stored


# ---- corrupted records -----------------------------------------------------------------
CORRUPT = {
    "not a mapping": f"{MARKER} garbage",
    "a list": [MARKER, 1, 2],
    "unknown schema": {"schema": MARKER, "seen_questions": {}},
    "counts that are not numbers": {"schema": 2, "seen_questions": {"q": MARKER}},
    "undated check-ins": {"schema": 2, "checkins": {"c1": MARKER}},
    "names without a timestamp": {"schema": 2, "names": {"value": [MARKER, "x"]}},
}


@pytest.mark.parametrize("raw", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupted_record_is_set_aside_and_the_household_starts_fresh(
    any_store, containers, clock, heart_logs, raw
):
    any_store.save(HOUSEHOLD, raw, None, now=clock()) if isinstance(raw, dict) else any_store.set_aside(
        "tmp", raw, now=clock()
    )
    if not isinstance(raw, dict):  # a non-mapping can only be written raw: move it into place
        copy = any_store.load(set_aside_key("tmp"), now=clock())
        any_store.delete("tmp")
        any_store.save(HOUSEHOLD, {"placeholder": True}, None, now=clock())
        _overwrite(any_store, HOUSEHOLD, copy.data)
    talk = talk_to(containers, any_store, clock)
    assert_answers(talk.launch())
    assert_answers(talk.say(HEARD, id="days-l-01"))
    assert any_store.load(set_aside_key(HOUSEHOLD), now=clock()).data == raw
    fresh = state.migrate(any_store.load(HOUSEHOLD, now=clock()).data)
    assert fresh["seen_questions"] == {"days-l-01": 1}
    assert any("record_set_aside" in line for line in heart_logs)
    assert not any(MARKER in line for line in heart_logs)


def _overwrite(store, household_id, raw) -> None:
    """Put raw data where the household's record is, whatever its shape."""
    if isinstance(store, SqliteStore):
        text = raw if isinstance(raw, str) else json.dumps(raw)
        store._run("UPDATE households SET data = ? WHERE household_id = ?", (text, household_id))
    else:
        from skill.persistence.dynamodb import _to_dynamo

        store.client.update_item(
            TableName=store.table_name,
            Key={"household_id": {"S": household_id}},
            UpdateExpression="SET #d = :d",
            ExpressionAttributeNames={"#d": "data"},
            ExpressionAttributeValues={":d": store._serialize(_to_dynamo(raw))},
        )


def test_an_unparseable_embedded_record_is_set_aside(tmp_path, containers, clock, heart_logs):
    store = SqliteStore(tmp_path / "households.sqlite3")
    store.save(HOUSEHOLD, {"schema": 2}, None, now=clock())
    _overwrite(store, HOUSEHOLD, '{"schema": 2, "seen_questions": {"' + MARKER)
    talk = talk_to(containers, store, clock)
    assert_answers(talk.launch())
    assert_answers(talk.say(HEARD, id="days-l-01"))
    assert store.load(set_aside_key(HOUSEHOLD), now=clock()).data.endswith(MARKER)
    assert not any(MARKER in line for line in heart_logs)


def test_a_corrupted_record_is_never_overwritten_before_it_is_set_aside(
    dynamo_server, dynamo_table, proxied_store, fault_proxy, containers, clock
):
    direct = dynamo_server.store(dynamo_table)
    direct.save(HOUSEHOLD, {"schema": MARKER}, None, now=clock())
    fault_proxy.inject("503", op="PutItem", times=None)  # the set-aside copy cannot be written
    talk = talk_to(containers, proxied_store, clock)
    assert_answers(talk.launch())
    assert_answers(talk.say(HEARD, id="days-l-01"))
    assert direct.load(HOUSEHOLD, now=clock()).data == {"schema": MARKER}
    fault_proxy.clear()
    assert_answers(talk.say(HEARD, id="days-l-02"))
    assert direct.load(set_aside_key(HOUSEHOLD), now=clock()).data == {"schema": MARKER}
    assert set(state.migrate(direct.load(HOUSEHOLD, now=clock()).data)["seen_questions"]) == {"days-l-01", "days-l-02"}


def test_an_unreadable_session_copy_reads_the_store_again(any_store, containers, clock):
    talk = talk_to(containers, any_store, clock)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    carried = json.loads(talk.session["attributes"][SESSION_KEY]["record"])
    carried["seen_questions"] = ["broken"]
    talk.session["attributes"][SESSION_KEY]["record"] = json.dumps(carried)
    assert_answers(talk.say(HEARD, id="days-l-02"))
    assert set(any_store.load(HOUSEHOLD, now=clock()).data["seen_questions"]) == {"days-l-01", "days-l-02"}
    talk.session["attributes"][SESSION_KEY]["record"] = '{"not json'
    assert_answers(talk.say(HEARD, id="days-l-03"))
    assert set(any_store.load(HOUSEHOLD, now=clock()).data["seen_questions"]) == {
        "days-l-01", "days-l-02", "days-l-03"}


# ---- size ------------------------------------------------------------------------------
def years_of_history(today: str = "2026-11-26", days: int = 3650) -> dict:
    """Ten years of nightly rituals and games and weekly check-ins: about 390 KB."""
    from datetime import date, timedelta

    record = state.new_record("2016-11-28")
    record["seen_questions"] = {f"days-l-{i:02d}": 3 for i in range(1, 60)}
    record["favourites"] = ["days-l-01", "days-l-02"]
    end = date.fromisoformat(today)
    for n in range(days):
        day = (end - timedelta(days=n)).isoformat()
        record["rituals_done"][f"ritual-{n:05d}-{'x' * 12}"] = day
        record["games_done"][f"game-{n:05d}-{'y' * 12}"] = day
        if n % 7 == 0:
            record["checkins"][f"checkin-{n:05d}"] = {"date": day, "ratings": [7, 8]}
    return record


def test_compact_brings_a_huge_record_under_the_limit_and_keeps_what_matters():
    huge = years_of_history()
    assert 300_000 < state.size_of(huge) < 400_000
    small = state.compact(huge, max_bytes=COMPACT_AT_BYTES, today="2026-11-26")
    assert state.size_of(small) <= COMPACT_AT_BYTES
    assert small["seen_questions"] == huge["seen_questions"]
    assert small["favourites"] == huge["favourites"]
    archive = small["archive"]
    assert archive["rituals"] + len(small["rituals_done"]) == len(huge["rituals_done"])
    assert archive["games"] + len(small["games_done"]) == len(huge["games_done"])
    assert archive["checkins"] + len(small["checkins"]) == len(huge["checkins"])
    last_month = {k for k, day in huge["rituals_done"].items() if day >= "2026-10-27"}
    assert last_month <= set(small["rituals_done"])  # the last month is never folded
    assert state.compact(small, max_bytes=COMPACT_AT_BYTES, today="2026-11-26") == small
    assert state.merge(huge, small) == state.merge(small, huge)
    assert state.merge(huge, small)["rituals_done"] == small["rituals_done"]  # nothing folded comes back


def test_compact_leaves_a_small_record_alone():
    record = state.new_record("2026-11-26")
    record["rituals_done"] = {"r1": "2020-01-01"}
    assert state.compact(record, max_bytes=COMPACT_AT_BYTES, today="2026-11-26") is record


@pytest.fixture
def patient_store(dynamo_table, fault_proxy):
    """The store through the proxy with a 10 s read timeout: moto needs about 0.8 s to
    serve a 390 KB item (DynamoDB takes milliseconds), too close to the skill's 1 s
    on a busy machine. Size, not time, is under test here."""
    import boto3
    from botocore.config import Config

    from skill.persistence.dynamodb import DynamoDbStore

    config = Config(read_timeout=10, retries={"mode": "standard", "total_max_attempts": 1})
    client = boto3.client("dynamodb", endpoint_url=fault_proxy.endpoint, region_name="us-east-1", config=config)
    return DynamoDbStore(dynamo_table, client=client)


def test_a_huge_stored_record_is_compacted_and_works_in_the_session(patient_store, fault_proxy, containers, clock):
    patient_store.save(HOUSEHOLD, years_of_history(), None, now=clock())
    fault_proxy.reset_counts()
    talk = talk_to(containers, patient_store, clock)
    for response in (talk.launch(), talk.say(HEARD, id="new-one"), talk.say("AMAZON.HelpIntent"),
                     talk.say(HEARD, id="another")):
        assert_answers(response)
    assert fault_proxy.counts["GetItem"] == 1, fault_proxy.log  # compacted on read: the copy rides along
    stored = patient_store.load(HOUSEHOLD, now=clock()).data
    assert state.size_of(stored) <= COMPACT_AT_BYTES
    assert {"new-one", "another"} <= set(stored["seen_questions"])
    assert stored["archive"]["rituals"] + len(stored["rituals_done"]) == 3650


def test_a_record_too_large_to_carry_rides_as_its_changes_only(
    dynamo_server, dynamo_table, fault_proxy, proxied_store, containers, clock
):
    """Bulk that is not history cannot be folded: the session then carries only the
    unsaved changes and each turn reads the store (the one exception to one read per
    session), and the responses stay within Alexa's limit."""
    bulky = state.new_record("2026-01-01")
    bulky["seen_questions"] = {f"retired-question-{i:05d}": 1 for i in range(1500)}
    direct = dynamo_server.store(dynamo_table)
    direct.save(HOUSEHOLD, bulky, None, now=clock())
    talk = talk_to(containers, proxied_store, clock)
    assert_answers(talk.launch())
    assert_answers(talk.say(HEARD, id="first"))
    fault_proxy.inject("503", op="PutItem", times=None)
    assert_answers(talk.say(HEARD, id="unsaved"))
    assert talk.attributes[SESSION_KEY]["changes"]["seen_questions"] == {"unsaved": 1}
    fault_proxy.clear()
    assert_answers(talk.say("AMAZON.HelpIntent"))  # carries nothing new: the pending change is saved
    assert fault_proxy.counts["GetItem"] == 4
    stored = direct.load(HOUSEHOLD, now=clock()).data["seen_questions"]
    assert {"first", "unsaved"} <= set(stored) and len(stored) == 1502


# ---- merge -----------------------------------------------------------------------------
def random_record(rng: random.Random) -> dict:
    record = state.new_record(f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    record["last_active"] = f"2026-1{rng.randint(0, 1)}-0{rng.randint(1, 9)}"
    record["seen_questions"] = {f"q{rng.randint(0, 30)}": rng.randint(1, 4) for _ in range(rng.randint(0, 15))}
    record["favourites"] = sorted({f"q{rng.randint(0, 30)}" for _ in range(rng.randint(0, 5))})
    record["rituals_done"] = {f"r{rng.randint(0, 30)}": f"2026-1{rng.randint(0, 1)}-0{rng.randint(1, 9)}"
                              for _ in range(rng.randint(0, 8))}
    record["checkins"] = {f"c{rng.randint(0, 9)}": {"date": "2026-11-0" + str(rng.randint(1, 9)),
                                                    "ratings": [rng.randint(1, 10), rng.randint(1, 10)]}
                          for _ in range(rng.randint(0, 4))}
    record["names"] = rng.choice([None, state.lww(["Sam", "Alex"], rng.randint(0, 99)),
                                  state.lww(["Kim", "Lee"], rng.randint(0, 99))])
    if rng.random() < 0.3:
        record["archive"] = {"before": f"2026-10-0{rng.randint(1, 9)}", "rituals": rng.randint(0, 9),
                             "games": 0, "checkins": rng.randint(0, 3)}
        record = state.merge(record, record)
    return record


@pytest.mark.parametrize("seed", range(40))
def test_merge_is_commutative_associative_idempotent_and_loses_nothing(seed):
    rng = random.Random(seed)
    a, b, c = (random_record(rng) for _ in range(3))
    assert state.merge(a, b) == state.merge(b, a)
    assert state.merge(state.merge(a, b), c) == state.merge(a, state.merge(b, c))
    merged = state.merge(a, b)
    assert state.merge(merged, a) == merged
    assert set(a["seen_questions"]) | set(b["seen_questions"]) == set(merged["seen_questions"])
    assert set(a["favourites"]) | set(b["favourites"]) <= set(merged["favourites"])


@pytest.mark.parametrize("seed", range(20))
def test_changes_carry_exactly_what_the_base_lacks(seed):
    rng = random.Random(seed)
    base = random_record(rng)
    current = state.merge(base, random_record(rng))
    delta = state.changes(base, current)
    assert state.merge(state.migrate(delta), base) == state.merge(current, base)
    assert state.changes(current, current) == {"schema": state.SCHEMA_VERSION}


def test_a_household_read_from_nothing_merges_like_any_other_copy(store, clock):
    fresh = Household.read(store, HOUSEHOLD, clock=clock)
    assert fresh.is_new and fresh.reachable and fresh.record["created"] == fresh.today()
