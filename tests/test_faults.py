"""DynamoDB misbehaving, through a real proxy in front of moto's server: throttling,
5xx, connection resets, answers that never come (or come too late). Whatever the
database does at whichever step of a turn (the read, the write, the re-read after a
conflict), every turn answers with speech inside the time budget, the session stays
usable, and nothing saved before is lost; once the database is back, the changes made
meanwhile are saved too.

Elapsed time per turn is checked against a generous 7.5 s (Alexa waits 8 s); the
store's own budget (skill.household.TURN_BUDGET_S) is 6 s.
"""

from __future__ import annotations

import time

import pytest
from alexa import Conversation, reprompt_text, speech_text
from probe_feature import HEARD, RITUAL_DONE, containers, with_probe  # noqa: F401 (fixtures)

from skill.household import Household

HOUSEHOLD = "amzn1.ask.account.FAULTS"
TURN_LIMIT_S = 7.5
PERSISTENT = ("throttle", "throttling", "500", "503", "reset", "timeout")
STEP_OPERATION = {"read": "GetItem", "write": "PutItem", "reread": "GetItem"}


class Evening:
    """One household talking through the fault proxy, each turn timed and checked."""

    def __init__(self, containers, proxied_store, direct_store, clock) -> None:
        self.clock = clock
        self.direct = direct_store
        self.talk = Conversation(containers(store=proxied_store, clock=self.clock), user_id=HOUSEHOLD)
        self.slowest = 0.0

    def turn(self, intent: str, **slots) -> str:
        started = time.monotonic()
        response = self.talk.launch() if intent == "launch" else self.talk.say(intent, **slots)
        elapsed = time.monotonic() - started
        self.slowest = max(self.slowest, elapsed)
        assert elapsed < TURN_LIMIT_S, f"{intent} took {elapsed:.2f} s"
        text = speech_text(response)
        assert text, f"{intent} answered with silence: {response}"
        if intent != "AMAZON.StopIntent":
            assert self.talk.open and reprompt_text(response), f"{intent} left no open session: {response}"
        return text

    def saved(self) -> set[str]:
        """What the table holds now, read around the proxy."""
        record = Household.read(self.direct, HOUSEHOLD, clock=self.clock).record
        return set(record["seen_questions"]) | set(record["rituals_done"])

    def rival_device_marks(self, change: str) -> None:
        """The other speaker in the home saves a change (not through the proxy)."""
        other = Household.read(self.direct, HOUSEHOLD, clock=self.clock)
        other.record["seen_questions"][change] = 1
        other.changed()
        assert other.save(self.direct)


@pytest.fixture
def evening(containers, proxied_store, dynamo_server, dynamo_table, clock):
    evening = Evening(containers, proxied_store, dynamo_server.store(dynamo_table), clock)
    evening.turn("launch")
    evening.turn(HEARD, id="before-q")
    evening.turn(RITUAL_DONE, id="before-r")
    evening.turn("AMAZON.StopIntent")
    assert evening.saved() == {"before-q", "before-r"}
    return evening


@pytest.mark.parametrize("fault", PERSISTENT)
def test_the_read_failing_still_answers_and_loses_nothing(evening, fault_proxy, fault):
    fault_proxy.inject(fault, op="GetItem", times=None)
    evening.turn("launch")
    evening.turn(HEARD, id="during")
    assert evening.saved() == {"before-q", "before-r"}
    fault_proxy.clear()
    evening.turn(HEARD, id="after")
    assert evening.saved() == {"before-q", "before-r", "during", "after"}


@pytest.mark.parametrize("fault", (*PERSISTENT, "late"))
def test_the_write_failing_still_answers_and_loses_nothing(evening, fault_proxy, fault):
    evening.turn("launch")
    fault_proxy.inject(fault, op="PutItem", times=None)
    said = evening.turn(HEARD, id="during")
    assert "couldn't save" in said
    evening.turn("AMAZON.HelpIntent")
    time.sleep(0.6 if fault == "late" else 0)  # let the last late write land
    assert {"before-q", "before-r"} <= evening.saved()
    fault_proxy.clear()
    evening.turn(RITUAL_DONE, id="after")
    assert evening.saved() == {"before-q", "before-r", "during", "after"}


@pytest.mark.parametrize("fault", PERSISTENT)
def test_the_reread_after_a_conflict_failing_still_answers_and_loses_nothing(evening, fault_proxy, fault):
    evening.turn("launch")
    evening.rival_device_marks("other-device")
    fault_proxy.inject(fault, op="GetItem", times=None)
    said = evening.turn(HEARD, id="during")  # the write conflicts; the re-read fails
    assert "couldn't save" in said
    assert fault_proxy.counts["GetItem"] >= 2
    assert evening.saved() == {"before-q", "before-r", "other-device"}
    fault_proxy.clear()
    evening.turn(HEARD, id="after")
    assert evening.saved() == {"before-q", "before-r", "other-device", "during", "after"}


@pytest.mark.parametrize("fault", PERSISTENT)
@pytest.mark.parametrize("step", STEP_OPERATION)
def test_a_single_fault_at_any_step_is_absorbed_by_a_retry(evening, fault_proxy, fault, step):
    evening.turn("launch")
    if step == "reread":
        evening.rival_device_marks("other-device")
    else:
        evening.talk.end()
    fault_proxy.reset_counts()
    operation = STEP_OPERATION[step]
    fault_proxy.inject(fault, op=operation, times=1)
    if step == "read":
        evening.turn("launch")
    said = evening.turn(HEARD, id="during")
    assert "couldn't save" not in said
    assert fault_proxy.injected[fault] == 1
    assert "during" in evening.saved()


def test_faults_picked_by_request_number(evening, fault_proxy):
    """Request 1 (the read) is throttled, request 3 (the first write) reset: both retried."""
    fault_proxy.reset_counts()
    fault_proxy.inject("throttle", request=1)
    fault_proxy.inject("reset", request=3)
    evening.turn("launch")
    said = evening.turn(HEARD, id="during")
    assert "couldn't save" not in said
    assert [fault for _, _, fault in fault_proxy.log] == ["throttle", None, "reset", None]
    assert fault_proxy.counts == {"GetItem": 2, "PutItem": 2}


def test_changes_unsaved_at_the_end_of_a_session_are_saved_when_it_ends(evening, fault_proxy):
    evening.turn("launch")
    fault_proxy.inject("503", op="PutItem", times=None)
    evening.turn(HEARD, id="during")
    fault_proxy.clear()
    evening.talk.end("EXCEEDED_MAX_REPROMPTS")  # the couple walked away; Alexa ends the session
    assert "during" in evening.saved()


def test_a_database_that_never_answers_costs_each_turn_less_than_the_budget(evening, fault_proxy):
    """The worst case: every request hangs past the read timeout (read and write)."""
    evening.clock.advance(days=1)  # a new day: the launch has something to write
    fault_proxy.inject("timeout", times=None)
    evening.slowest = 0.0
    evening.turn("launch")
    evening.turn(HEARD, id="during")
    print(f"slowest turn with every request timing out: {evening.slowest:.2f} s")
    assert evening.slowest > 2  # the faults did cost time: the test measured what it meant to
    fault_proxy.clear()
    assert evening.saved() == {"before-q", "before-r"}


def test_the_store_never_starts_an_attempt_it_cannot_finish_by_the_deadline(proxied_store, fault_proxy):
    """Three attempts of 1 s would take over 3 s; with 2 s left only one attempt fits
    (another would need a pause plus connect and read timeouts: 1.5 s)."""
    from skill.persistence import StoreUnavailable

    fault_proxy.inject("timeout", op="GetItem", times=None)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        proxied_store.load(HOUSEHOLD, deadline=started + 2.0)
    assert time.monotonic() - started < 2.0
    assert fault_proxy.counts["GetItem"] == 1
    with pytest.raises(StoreUnavailable):
        proxied_store.load(HOUSEHOLD, deadline=time.monotonic() + 1.0)  # not even one attempt fits
    assert fault_proxy.counts["GetItem"] == 1


def test_throttling_is_retried_with_short_pauses_not_botocores_seconds(proxied_store, fault_proxy):
    fault_proxy.inject("throttle", op="GetItem", times=2)
    started = time.monotonic()
    assert proxied_store.load(HOUSEHOLD) is None
    assert fault_proxy.counts["GetItem"] == 3
    assert time.monotonic() - started < 1.5  # our pauses: at most 0.1 s then 0.2 s; botocore: up to 1 s then 2 s
