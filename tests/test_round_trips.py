"""Round trips to DynamoDB, counted where they happen: HTTP requests per operation at
the proxy in front of moto's server. At most one read per session, one write per
turn that changes something, none for a turn that changes nothing.

The skill runs as on Lambda: a fresh ``lambda/app.py`` whose store comes from
HEART_TABLE and AWS_ENDPOINT_URL_DYNAMODB (pointing at the proxy).
"""

from __future__ import annotations

from alexa import Conversation, reprompt_text, speech_text
from probe_feature import HEARD, RITUAL_DONE, containers, with_probe  # noqa: F401 (fixtures)

HOUSEHOLD = "amzn1.ask.account.ROUNDTRIPS"

# (what is said, slots, whether it changes the record)
TEN_TURNS = [
    ("launch", {}, True),  # a first visit is remembered (the next launch says welcome back)
    (HEARD, {"id": "days-l-01"}, True),
    ("AMAZON.FallbackIntent", {}, False),
    ("AskQuestionIntent", {}, True),  # the real question feature counts the question heard
    ("AMAZON.RepeatIntent", {}, False),
    (RITUAL_DONE, {"id": "ritual-1"}, True),
    ("AMAZON.HelpIntent", {}, False),
    (HEARD, {"id": "days-l-02"}, True),
    ("AMAZON.NavigateHomeIntent", {}, False),
    ("AMAZON.StopIntent", {}, False),
]


def take_turn(talk: Conversation, intent: str, slots: dict) -> dict:
    return talk.launch() if intent == "launch" else talk.say(intent, **slots)


def counted(proxy, talk, intent, slots) -> tuple[int, int, dict]:
    before = proxy.counts.copy()
    response = take_turn(talk, intent, slots)
    return proxy.counts["GetItem"] - before["GetItem"], proxy.counts["PutItem"] - before["PutItem"], response


def test_a_ten_turn_session_reads_once_and_writes_only_changes(dynamo_table, fault_proxy, containers):
    handler = containers(table=dynamo_table, endpoint=fault_proxy.endpoint)
    talk = Conversation(handler, user_id=HOUSEHOLD)
    reads, writes = [], []
    for number, (intent, slots, changes) in enumerate(TEN_TURNS, start=1):
        got_reads, got_writes, response = counted(fault_proxy, talk, intent, slots)
        reads.append(got_reads)
        writes.append(got_writes)
        assert speech_text(response), f"turn {number} said nothing"
        if number < len(TEN_TURNS):
            assert talk.open and reprompt_text(response), f"turn {number} closed the session"
    assert reads == [1] + [0] * 9
    assert writes == [int(changes) for _, _, changes in TEN_TURNS]
    assert fault_proxy.counts == {"GetItem": 1, "PutItem": 5}
    assert not talk.open


def test_a_returning_household_that_changes_nothing_is_never_written(dynamo_table, fault_proxy, containers):
    handler = containers(table=dynamo_table, endpoint=fault_proxy.endpoint)
    talk = Conversation(handler, user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    talk.say("AMAZON.StopIntent")
    fault_proxy.reset_counts()

    talk.launch()  # same day: nothing new to remember
    for intent in ("AMAZON.HelpIntent", "AMAZON.RepeatIntent", "AMAZON.FallbackIntent", "ProgressIntent"):
        talk.say(intent)
        assert talk.open
    talk.end("USER_INITIATED")
    assert fault_proxy.counts == {"GetItem": 1}


def test_each_new_session_reads_once_more(dynamo_table, fault_proxy, containers):
    handler = containers(table=dynamo_table, endpoint=fault_proxy.endpoint)
    talk = Conversation(handler, user_id=HOUSEHOLD)
    for session in range(3):
        talk.launch()
        talk.say(HEARD, id=f"q-{session}")
        talk.end("USER_INITIATED")
    assert fault_proxy.counts["GetItem"] == 3
    assert fault_proxy.counts["PutItem"] == 1 + 3  # the first visit, then one per change


def test_the_first_launch_of_a_day_writes_once_to_keep_the_record_alive(dynamo_table, fault_proxy, containers, clock):
    """last_active moves on once a day, and with it the TTL (18 months from the last write)."""
    handler = containers(table=dynamo_table, endpoint=fault_proxy.endpoint, clock=clock)
    talk = Conversation(handler, user_id=HOUSEHOLD)
    talk.launch()
    talk.say(HEARD, id="days-l-01")
    talk.end("USER_INITIATED")
    clock.advance(days=1)
    fault_proxy.reset_counts()
    talk.launch()
    talk.say("AMAZON.HelpIntent")
    talk.end("USER_INITIATED")
    clock.advance(hours=1)
    talk.launch()
    talk.end("USER_INITIATED")
    assert fault_proxy.counts == {"GetItem": 2, "PutItem": 1}
