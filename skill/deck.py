"""The question deck and the tips: content loading and no-repeat selection.

Everything here is a pure function of the content and the household record, so two
devices that merge their records (``seen_*`` are max_maps) still agree on what has
been heard.

No-repeat rule: for a pool of ids (the whole deck, a theme, a depth, both, the
favourites or the tips) the *round* is the smallest number of times any id in the pool
has been heard. Only ids heard exactly that often are candidates, so nothing comes
back until the whole pool has had its turn. Among the candidates the pick is the first
in an order that is fixed per household and round: each id is ranked by a hash of
(household, round, id). That is a permutation of the whole deck, different for every
household and every round, and adding new questions to the content never reshuffles
the ones a household is already working through.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

CONTENT_DIR = Path(__file__).parent / "content"


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    depth: str
    text: str


@dataclass(frozen=True)
class Tip:
    id: str
    title: str
    synonyms: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Deck:
    questions: dict[str, Question]
    themes: dict[str, dict]
    depths: dict[str, dict]


@dataclass(frozen=True)
class Pick:
    id: str
    round: int
    # The pool had been heard all the way through and starts over with this pick.
    restarted: bool


@lru_cache(maxsize=None)
def deck() -> Deck:
    """The question deck, read once per process."""
    raw = json.loads((CONTENT_DIR / "questions.json").read_text(encoding="utf-8"))
    questions = {q["id"]: Question(q["id"], q["theme"], q["depth"], q["text"]) for q in raw["questions"]}
    return Deck(questions, dict(raw["themes"]), dict(raw["depths"]))


@lru_cache(maxsize=None)
def tips() -> dict[str, Tip]:
    """The fifteen tips in content order, read once per process."""
    raw = json.loads((CONTENT_DIR / "tips.json").read_text(encoding="utf-8"))
    return {t["id"]: Tip(t["id"], t["title"], tuple(t["synonyms"]), t["text"]) for t in raw["tips"]}


@lru_cache(maxsize=None)
def question_pool(theme: str | None = None, depth: str | None = None) -> tuple[str, ...]:
    """Ids of the questions with this theme and/or depth (None: any)."""
    return tuple(
        q.id
        for q in deck().questions.values()
        if (theme is None or q.theme == theme) and (depth is None or q.depth == depth)
    )


def _rank(household_id: str, round_: int, item_id: str) -> bytes:
    return hashlib.sha256(f"{household_id}\x1f{round_}\x1f{item_id}".encode()).digest()


def pick(
    pool: Iterable[str],
    seen: Mapping[str, int],
    household_id: str,
    *,
    avoid: str | None = None,
) -> Pick | None:
    """The next id of ``pool`` for this household (None for an empty pool).

    ``avoid`` (the id just heard) is passed over when anything else is possible, so a
    pool that starts over does not open with the question that closed the last round;
    in a new session, when the id just heard is unknown, the last id of the previous
    round's order stands in for it.
    """
    pool = list(dict.fromkeys(pool))
    if not pool:
        return None
    counts = {item: max(0, int(seen.get(item, 0))) for item in pool}
    round_ = min(counts.values())
    candidates = [item for item in pool if counts[item] == round_]
    restarted = round_ >= 1 and len(candidates) == len(pool)
    if restarted and avoid is None:
        avoid = max(pool, key=lambda item: _rank(household_id, round_ - 1, item))
    if avoid in candidates and len(candidates) > 1:
        candidates.remove(avoid)
    chosen = min(candidates, key=lambda item: _rank(household_id, round_, item))
    return Pick(chosen, round_, restarted)


def mark_heard(seen: dict, item_id: str) -> None:
    """Count one more hearing (a max_map only grows, so merges never lose it)."""
    seen[item_id] = int(seen.get(item_id, 0)) + 1


def heard_total(record: dict) -> int:
    """Questions heard by the household, ever: its parity says who answers first."""
    return sum(int(n) for n in (record.get("seen_questions") or {}).values())


def tip_of_the_day(household_id: str, today: str) -> str:
    """Same tip all day, a different one every day: the household's own order of the
    tips, walked one step per calendar day."""
    ids = sorted(tips(), key=lambda tip_id: _rank(household_id, 0, tip_id))
    return ids[date.fromisoformat(today).toordinal() % len(ids)]


# ---- matching spoken words to content ids ---------------------------------------------


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(words)


_LEADING = ("our ", "the ", "a ", "an ", "some ", "something ", "one ", "about ", "more ")


def _variants(spoken: str) -> list[str]:
    """The spoken words, then without leading filler ("something deep" -> "deep"),
    then singular/plural."""
    text = normalise(spoken)
    variants = [text]
    stripped = True
    while stripped:
        stripped = False
        for word in _LEADING:
            if text.startswith(word) and len(text) > len(word):
                text, stripped = text[len(word):], True
                variants.append(text)
    for text in list(variants):
        variants.append(text[:-1] if text.endswith("s") else text + "s")
    return variants


def _lookup(entries: Mapping[str, Iterable[str]], spoken: str | None) -> str | None:
    if not spoken:
        return None
    index: dict[str, str] = {}
    for entry_id, phrases in entries.items():
        for phrase in phrases:
            index.setdefault(normalise(phrase), entry_id)
    for variant in _variants(spoken):
        if variant in index:
            return index[variant]
    return None


def resolve_theme(resolved_id: str | None, spoken: str | None) -> str | None:
    themes = deck().themes
    if resolved_id in themes:
        return resolved_id
    return _lookup({k: [k.replace("_", " "), v["spoken"], *v["synonyms"]] for k, v in themes.items()}, spoken)


def resolve_depth(resolved_id: str | None, spoken: str | None) -> str | None:
    depths = deck().depths
    if resolved_id in depths:
        return resolved_id
    return _lookup({k: [k, v["spoken"], *v["synonyms"]] for k, v in depths.items()}, spoken)


def resolve_tip(resolved_id: str | None, spoken: str | None) -> str | None:
    all_tips = tips()
    if resolved_id in all_tips:
        return resolved_id
    return _lookup({k: [k.replace("_", " "), t.title, *t.synonyms] for k, t in all_tips.items()}, spoken)
