"""Checks for the spoken content in skill/content (questions and tips).

Standard library and pytest only. These tests guard what real couples hear:
format, SSML safety, variety, safety wording and that every sentence is our own.
"""

import itertools
import json
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO_ROOT / "skill" / "content"
QUESTIONS_PATH = CONTENT_DIR / "questions.json"
TIPS_PATH = CONTENT_DIR / "tips.json"
SEED_ARTICLE_PATH = REPO_ROOT.parent / "shared" / "seed" / "emotional-intimacy-article.txt"

THEME_IDS = [
    "days", "memories", "dreams", "appreciation", "feelings", "values",
    "fun", "affection", "trust", "conflict", "future", "growing_up",
]
DEPTH_IDS = ["light", "deeper", "deep"]
DEPTH_ABBR = {"light": "l", "deeper": "d", "deep": "x"}
TIP_IDS = [
    "devices", "time_together", "shared_interests", "listening", "vulnerability",
    "questions", "emotions", "ritual", "appreciation", "conflict", "check_ins",
    "affection", "trust", "dreams", "professional_support",
]

MIN_QUESTIONS = 400
MIN_PER_CELL = 10
MAX_QUESTION_CHARS = 200
TIP_MIN_WORDS, TIP_MAX_WORDS = 35, 65
PLAGIARISM_NGRAM = 7

# Voice commands a tip may tell the couple to say.
ALLOWED_SAY_COMMANDS = {"let's do a check-in", "start our evening ritual", "ask us a question"}

# Word stems that must never appear in a question: nothing addressed to the
# device, nothing that asks for health information, no assumptions about
# children, marriage, religion or money.
BANNED_IN_QUESTIONS = [
    "alexa", "echo device", "diagnos", "medicat", "medicine", "prescri", "pill",
    "therap", "therapy history", "counsel", "psychiatr", "psycholog", "depress",
    "anxiety", "anxiety disorder", "disorder", "illness", "disease", "sick",
    "mental health", "physical health", "symptom", "suicid", "self-harm",
    "self harm", "hurt yourself", "hospital", "doctor", "trauma", "abuse",
    "addict", "rehab", "pregnan", "weight loss", "our kids", "our children",
    "our son", "our daughter", "your kids", "your children", "husband", "wife",
    "married", "marriage", "church", "pray", "salary", "mortgage", "debt",
]

# Nothing may advertise the seed article's products or its site.
BANNED_EVERYWHERE = [
    "workbook", "card deck", "intimacy deck", "card game", "course", "workshop",
    "consultation", "consult", "lasting love", "website", ".com", "www",
    "book a ", "sign up for our", "pinterest",
]

# The professional support tip must never offer to contact anyone.
BANNED_IN_PROFESSIONAL_TIP = [
    "contact", "call ", "phone number", "hotline", "emergency", "connect you",
    "put you in touch", "book ", "i can find", "i'll find", "we can find",
]

UK_TO_US = {
    "favourite": "favorite", "favourites": "favorites", "colour": "color",
    "colours": "colors", "honour": "honor", "humour": "humor", "behaviour": "behavior",
    "neighbour": "neighbor", "neighbours": "neighbors", "realise": "realize",
    "realised": "realized", "apologise": "apologize", "apologises": "apologizes",
    "criticise": "criticize", "recognise": "recognize", "organise": "organize",
    "centre": "center", "theatre": "theater", "cosy": "cozy", "grey": "gray",
    "travelled": "traveled", "travelling": "traveling", "practise": "practice",
    "counselling": "counseling", "counsellor": "counselor", "mum": "mom",
    "whilst": "while", "learnt": "learned",
}

SPEAK_STOPWORDS = set(
    "a an the of to you your i me my we us our what whats is are do does did that this "
    "it in on for with and or be been have has when how which who would could can like "
    "about there any one was were most more as at by from so if just thing something "
    "partner partners them they their theyre together two".split()
)


def _load(path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def deck():
    return _load(QUESTIONS_PATH)


@pytest.fixture(scope="module")
def questions(deck):
    return deck["questions"]


@pytest.fixture(scope="module")
def tips():
    return _load(TIPS_PATH)["tips"]


def normalise(text):
    """Lowercase, fold apostrophes, strip punctuation, collapse whitespace, US spelling."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(UK_TO_US.get(word, word) for word in words)


def content_words(text):
    return {w for w in normalise(text).split() if w not in SPEAK_STOPWORDS}


def ssml_problems(text):
    problems = []
    for char in ("&", "<", ">", '"', "\\", "{", "}"):
        if char in text:
            problems.append(f"contains {char!r}")
    if not text.isascii():
        problems.append("contains non-ASCII characters")
    if any(ord(c) < 32 for c in text):
        problems.append("contains control characters")
    if "  " in text or text != text.strip():
        problems.append("has stray whitespace")
    return problems


def find_banned(text, banned):
    lowered = " " + text.lower() + " "
    hits = []
    for stem in banned:
        # Match at a word start so that e.g. 'pill' does not hit 'spill'.
        if re.search(r"(?<![a-z])" + re.escape(stem), lowered):
            hits.append(stem)
    return hits


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# ---------------------------------------------------------------- questions


def test_themes_and_depths_are_exactly_the_expected_ones(deck):
    assert list(deck["themes"]) == THEME_IDS
    assert list(deck["depths"]) == DEPTH_IDS
    for key, entry in itertools.chain(deck["themes"].items(), deck["depths"].items()):
        assert isinstance(entry.get("spoken"), str) and entry["spoken"].strip(), key
        assert isinstance(entry.get("synonyms"), list), key


def test_enough_questions_overall(questions):
    assert len(questions) >= MIN_QUESTIONS, len(questions)


def test_every_theme_and_depth_is_well_stocked(questions):
    counts = {(t, d): 0 for t in THEME_IDS for d in DEPTH_IDS}
    for q in questions:
        key = (q["theme"], q["depth"])
        if key in counts:
            counts[key] += 1
    thin = {f"{t}/{d}": n for (t, d), n in counts.items() if n < MIN_PER_CELL}
    assert not thin, f"theme x depth with fewer than {MIN_PER_CELL} questions: {thin}"


def test_question_fields(questions):
    for q in questions:
        assert set(q) == {"id", "theme", "depth", "text"}, q
        assert all(isinstance(q[k], str) for k in q), q


def test_question_ids_unique_and_well_formed(questions):
    ids = [q["id"] for q in questions]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"
    pattern = re.compile(r"^([a-z_]+)-([ldx])-(\d{2})$")
    for q in questions:
        match = pattern.match(q["id"])
        assert match, f"badly formed id: {q['id']}"
        assert match.group(1) == q["theme"], f"id theme does not match: {q}"
        assert match.group(2) == DEPTH_ABBR.get(q["depth"]), f"id depth does not match: {q}"


def test_every_referenced_theme_and_depth_exists(deck, questions):
    for q in questions:
        assert q["theme"] in deck["themes"], f"unknown theme in {q['id']}: {q['theme']}"
        assert q["depth"] in deck["depths"], f"unknown depth in {q['id']}: {q['depth']}"


def test_no_duplicate_questions_after_normalising(questions):
    seen = {}
    for q in questions:
        key = normalise(q["text"])
        assert key not in seen, f"{q['id']} duplicates {seen[key]}: {q['text']!r}"
        seen[key] = q["id"]


def test_no_near_duplicate_questions(questions):
    words = [(q["id"], q["text"], content_words(q["text"])) for q in questions]
    too_close = []
    for (id_a, text_a, a), (id_b, text_b, b) in itertools.combinations(words, 2):
        if not a or not b:
            continue
        overlap = len(a & b) / len(a | b)
        if overlap >= 0.6:
            too_close.append(f"{id_a} {text_a!r} ~ {id_b} {text_b!r}")
    assert not too_close, "near-duplicate questions:\n" + "\n".join(too_close)


def test_question_text_is_one_short_spoken_question(questions):
    for q in questions:
        text = q["text"]
        assert len(text) < MAX_QUESTION_CHARS, f"{q['id']} is too long ({len(text)})"
        assert text.endswith("?"), f"{q['id']} does not end with '?'"
        for stop in (". ", "? ", "! "):
            assert stop not in text, f"{q['id']} is more than one sentence: {text!r}"
        assert text[0].isupper(), f"{q['id']} should start with a capital letter"
        assert not ssml_problems(text), f"{q['id']}: {ssml_problems(text)}"


def test_questions_are_addressed_to_the_partner(questions):
    addressed = re.compile(r"\b(you|your|yours|yourself|us|we|our|ours|we're|we've|we'll|you're|you'd|you've|you'll)\b", re.I)
    for q in questions:
        assert addressed.search(q["text"]), f"{q['id']} does not address the partner: {q['text']!r}"


def test_questions_have_no_first_person_singular(questions):
    # Alexa reads the question aloud, so 'me', 'I' or 'my' would sound like the
    # device talking about itself; questions speak of 'your partner' instead.
    first_person = re.compile(r"\b(i|i'm|i'd|i've|i'll|me|my|mine|myself)\b", re.I)
    for q in questions:
        match = first_person.search(q["text"])
        assert not match, f"{q['id']} uses {match.group(0)!r}: {q['text']!r}"


def test_questions_avoid_banned_words(questions):
    for q in questions:
        hits = find_banned(q["text"], BANNED_IN_QUESTIONS + BANNED_EVERYWHERE)
        assert not hits, f"{q['id']} uses banned words {hits}: {q['text']!r}"


# ---------------------------------------------------------------- synonyms


def test_theme_and_depth_synonym_counts(deck):
    for theme_id, theme in deck["themes"].items():
        assert 5 <= len(theme["synonyms"]) <= 10, f"theme {theme_id} has {len(theme['synonyms'])} synonyms"
    for depth_id, depth in deck["depths"].items():
        assert 6 <= len(depth["synonyms"]) <= 10, f"depth {depth_id} has {len(depth['synonyms'])} synonyms"


def test_theme_and_depth_synonyms_never_collide(deck):
    owner = {}
    entries = [("theme", k, v) for k, v in deck["themes"].items()]
    entries += [("depth", k, v) for k, v in deck["depths"].items()]
    for kind, key, entry in entries:
        for phrase in [entry["spoken"]] + entry["synonyms"]:
            assert isinstance(phrase, str) and phrase.strip(), f"{kind} {key} has an empty phrase"
            assert not ssml_problems(phrase), f"{kind} {key} phrase {phrase!r}: {ssml_problems(phrase)}"
            norm = normalise(phrase)
            if norm in owner and owner[norm] != (kind, key):
                pytest.fail(f"{phrase!r} is used by {owner[norm]} and {(kind, key)}")
            owner[norm] = (kind, key)


# ---------------------------------------------------------------- tips


def test_tips_are_exactly_the_fifteen_strategies_in_order(tips):
    assert [t["id"] for t in tips] == TIP_IDS


def test_tip_fields_and_titles(tips):
    for tip in tips:
        assert set(tip) == {"id", "title", "synonyms", "text"}, tip["id"]
        title = tip["title"]
        assert title.strip() and len(title.split()) <= 6, f"{tip['id']} title is not a short phrase"
        assert not title.endswith((".", "?", "!")), f"{tip['id']} title should be a noun phrase"
        assert not ssml_problems(title), f"{tip['id']} title: {ssml_problems(title)}"


def test_tip_text_length_and_shape(tips):
    for tip in tips:
        text = tip["text"]
        words = len(text.split())
        assert TIP_MIN_WORDS <= words <= TIP_MAX_WORDS, f"{tip['id']} has {words} words"
        count = len(sentences(text))
        assert 2 <= count <= 4, f"{tip['id']} has {count} sentences"
        assert text.endswith((".", "!", "?")), f"{tip['id']} should end a sentence"
        assert not ssml_problems(text), f"{tip['id']}: {ssml_problems(text)}"


def test_tip_synonyms_counted_and_unique_across_tips(tips):
    owner = {}
    for tip in tips:
        syns = tip["synonyms"]
        assert 4 <= len(syns) <= 8, f"{tip['id']} has {len(syns)} synonyms"
        for phrase in syns:
            assert phrase.strip() and not ssml_problems(phrase), f"{tip['id']} synonym {phrase!r}"
            norm = normalise(phrase)
            assert norm not in owner, f"{phrase!r} is in both {owner.get(norm)} and {tip['id']}"
            owner[norm] = tip["id"]


def test_tips_advertise_nothing_and_only_name_real_commands(tips):
    for tip in tips:
        for field in [tip["title"], tip["text"]] + tip["synonyms"]:
            hits = find_banned(field, BANNED_EVERYWHERE)
            assert not hits, f"{tip['id']} mentions {hits}"
        assert "alexa" not in tip["text"].lower(), f"{tip['id']} should not address the device"
        for command in re.findall(r"say: ([^.?!]+)", tip["text"], flags=re.I):
            assert command.strip().lower() in ALLOWED_SAY_COMMANDS, f"{tip['id']} names an unknown command {command!r}"


def test_professional_support_tip_is_kind_and_safe(tips):
    tip = next(t for t in tips if t["id"] == "professional_support")
    text = tip["text"].lower()
    assert "counsel" in text or "therapist" in text
    assert "not a substitute for professional help" in text
    hits = find_banned(text, BANNED_IN_PROFESSIONAL_TIP)
    assert not hits, f"professional_support tip must not offer contact: {hits}"


def test_only_professional_support_tip_talks_about_therapy(tips):
    for tip in tips:
        if tip["id"] == "professional_support":
            continue
        hits = find_banned(tip["text"], ["therap", "counsel", "diagnos", "medicat", "mental health"])
        assert not hits, f"{tip['id']} mentions {hits}"


# ---------------------------------------------------------------- our own words


def _ngrams(words, n):
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_seven_word_run_is_copied_from_the_seed_article(questions, tips):
    if not SEED_ARTICLE_PATH.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE_PATH}; plagiarism guard not run")
    article = SEED_ARTICLE_PATH.read_text(encoding="utf-8", errors="replace")
    article_grams = _ngrams(normalise(article).split(), PLAGIARISM_NGRAM)
    assert article_grams, "seed article produced no word runs; normalising is broken"
    spoken = [(q["id"], q["text"]) for q in questions]
    spoken += [(t["id"], t["text"]) for t in tips]
    spoken += [(t["id"] + " title", t["title"]) for t in tips]
    copied = []
    for ident, text in spoken:
        shared = _ngrams(normalise(text).split(), PLAGIARISM_NGRAM) & article_grams
        if shared:
            copied.append(f"{ident}: {' '.join(sorted(shared)[0])!r}")
    assert not copied, "text copied from the seed article:\n" + "\n".join(copied)
