"""The selection rule in skill/deck.py, as pure functions on a record."""

from __future__ import annotations

from skill import deck, state


def play(pool, seen, household, times, avoid=None):
    picks = []
    for _ in range(times):
        chosen = deck.pick(pool, seen, household, avoid=avoid)
        deck.mark_heard(seen, chosen.id)
        avoid = chosen.id
        picks.append(chosen)
    return picks


def test_content_is_loaded_once_per_process():
    assert deck.deck() is deck.deck()
    assert deck.tips() is deck.tips()
    assert len(deck.deck().questions) >= 400 and len(deck.tips()) == 15


def test_pools_by_theme_depth_and_both():
    everything = deck.question_pool()
    assert len(everything) == len(deck.deck().questions)
    assert all(deck.deck().questions[q].theme == "fun" for q in deck.question_pool("fun"))
    assert all(deck.deck().questions[q].depth == "light" for q in deck.question_pool(None, "light"))
    both = deck.question_pool("fun", "light")
    assert both and set(both) == set(deck.question_pool("fun")) & set(deck.question_pool(None, "light"))
    for theme in deck.deck().themes:
        for depth in deck.deck().depths:
            assert len(deck.question_pool(theme, depth)) >= 10, (theme, depth)


def test_a_round_uses_every_question_once_then_starts_over_in_another_order():
    pool = deck.question_pool("values", "deeper")
    seen: dict = {}
    first = play(pool, seen, "house-1", len(pool))
    assert sorted(p.id for p in first) == sorted(pool)
    assert not any(p.restarted for p in first) and {p.round for p in first} == {0}
    second = play(pool, seen, "house-1", len(pool), avoid=first[-1].id)
    assert second[0].restarted and second[0].round == 1
    assert not any(p.restarted for p in second[1:])
    assert sorted(p.id for p in second) == sorted(pool)
    assert [p.id for p in second] != [p.id for p in first]


def test_a_new_round_does_not_open_with_the_last_question_even_without_the_session():
    pool = deck.question_pool("fun", "deep")
    for household in (f"house-{n}" for n in range(30)):
        seen: dict = {}
        last = play(pool, seen, household, len(pool))[-1].id
        assert deck.pick(pool, seen, household).id != last


def test_orders_differ_between_households_and_are_stable_for_one():
    pool = deck.question_pool()
    a = [p.id for p in play(pool, {}, "house-a", 20)]
    b = [p.id for p in play(pool, {}, "house-b", 20)]
    assert a != b
    assert a == [p.id for p in play(pool, {}, "house-a", 20)]


def test_the_order_survives_a_merge_of_two_devices():
    pool = deck.question_pool()
    kitchen = state.new_record("2026-11-26")
    bedroom = state.new_record("2026-11-26")
    for _ in range(5):
        deck.mark_heard(kitchen["seen_questions"], deck.pick(pool, kitchen["seen_questions"], "h").id)
    for _ in range(7):
        deck.mark_heard(bedroom["seen_questions"], deck.pick(pool, bedroom["seen_questions"], "h", avoid="x").id)
    merged = state.merge(kitchen, bedroom)
    heard = set(kitchen["seen_questions"]) | set(bedroom["seen_questions"])
    assert set(merged["seen_questions"]) == heard
    following = play(pool, merged["seen_questions"], "h", 30)
    assert not {p.id for p in following} & heard


def test_uneven_counts_fill_the_gaps_first():
    pool = ["q1", "q2", "q3", "q4"]
    seen = {"q1": 3, "q2": 1, "q3": 2}
    assert deck.pick(pool, seen, "h").id == "q4"
    seen["q4"] = 1
    assert deck.pick(pool, seen, "h").id in {"q2", "q4"}
    assert deck.pick([], seen, "h") is None


def test_tip_of_the_day_is_fixed_for_a_day_and_changes_every_day():
    days = [f"2026-12-{day:02d}" for day in range(1, 31)]
    picks = [deck.tip_of_the_day("house-1", day) for day in days]
    assert all(a != b for a, b in zip(picks, picks[1:]))
    assert set(picks[:15]) == set(deck.tips())
    assert deck.tip_of_the_day("house-1", "2026-12-03") == picks[2]
    others = [deck.tip_of_the_day("house-2", day) for day in days]
    assert others != picks


def test_spoken_words_resolve_to_content_ids():
    assert deck.resolve_theme(None, "our dreams") == "dreams"
    assert deck.resolve_theme(None, "Childhood") == "growing_up"
    assert deck.resolve_theme("trust", "whatever") == "trust"
    assert deck.resolve_theme("nonsense", "astrophysics") is None
    assert deck.resolve_depth(None, "something deep") == "deep"
    assert deck.resolve_depth(None, "a bit deeper") == "deeper"
    assert deck.resolve_tip(None, "screen time") == "devices"
    assert deck.resolve_tip(None, "check-ins") == "check_ins"
    assert deck.resolve_tip(None, "bananas") is None
