"""A small stand-in for Alexa's language understanding, driven by the interaction model.

It matches a typed line against the sample utterances of
``interaction_model/interactionModels/custom/<locale>.json``, fills slots (custom types
with entity resolution like Alexa's: ER_SUCCESS_MATCH with the value's id, or
ER_SUCCESS_NO_MATCH), and builds the IntentRequest Alexa would send. A line that
matches nothing becomes AMAZON.FallbackIntent, as on Alexa.

Used by the local console and by routing tests; never by the Lambda path.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parents[1] / "interaction_model" / "interactionModels" / "custom"
INVOCATION_VERBS = ("open", "start", "launch", "begin", "talk to", "play", "load", "use", "run")
ONE_SHOT_VERBS = ("ask", "tell")

# What Alexa's built-in intents already understand, beyond samples a skill adds.
BUILT_IN_SAMPLES = {
    "AMAZON.HelpIntent": ["help", "help me", "help please", "what can i say", "what can you do", "how does this work",
                          "what do i do", "i need instructions", "what are my options", "can you help me"],
    "AMAZON.StopIntent": ["stop", "quit", "exit", "shut up", "goodbye", "good bye", "bye", "that's all", "that's enough",
                          "we're done for tonight", "good night", "goodnight", "off", "end"],
    "AMAZON.CancelIntent": ["cancel", "never mind", "nevermind", "forget it", "cancel that"],
    "AMAZON.YesIntent": ["yes", "yeah", "yep", "yes please", "sure", "okay", "ok", "please do", "sounds good",
                         "of course", "why not", "absolutely", "definitely", "alright", "all right", "let's do it"],
    "AMAZON.NoIntent": ["no", "nope", "no thanks", "no thank you", "not now", "nah", "not really", "no way"],
    "AMAZON.RepeatIntent": ["repeat", "repeat that", "say that again", "what did you say", "pardon", "come again",
                            "can you repeat that", "one more time", "say it again", "repeat the question"],
    "AMAZON.StartOverIntent": ["start over", "restart", "begin again", "start again", "from the top"],
    "AMAZON.NextIntent": ["next", "next one", "skip ahead"],
    "AMAZON.PreviousIntent": ["previous", "go back one"],
    "AMAZON.PauseIntent": ["pause that", "hold it"],
    "AMAZON.ResumeIntent": ["unpause", "resume that"],
    "AMAZON.NavigateHomeIntent": ["home", "go home", "main menu", "go to the start", "take me home"],
    "AMAZON.FallbackIntent": [],
}

# Filler Alexa shrugs off: a line is also tried without it, and the better match wins.
FILLERS = ("please", "alexa", "um", "uh", "so", "well", "okay so", "can you", "could you", "would you", "hey",
           "actually", "just", "oh", "ok", "okay", "and", "now", "then")
# Alexa's en-US speech recognition writes American spellings; typed lines may not.
SPELLINGS = {"favourite": "favorite", "favourites": "favorites", "favour": "favor", "humour": "humor",
             "colour": "color", "behaviour": "behavior", "honour": "honor",
             # typed without the apostrophe Alexa would hear
             "lets": "let's", "whats": "what's", "dont": "don't", "im": "i'm"}

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_FIRST_NAME = re.compile(r"^[a-z][a-z'\-]{0,29}( [a-z][a-z'\-]{0,29})?$")
_NOT_NAMES = {"a", "an", "the", "and", "us", "we", "you", "it", "me", "our", "that", "this", "not", "no", "yes",
              "hmm", "um", "uh", "huh", "what", "sorry", "okay", "ok", "well", "maybe", "nothing", "nobody",
              "whatever", "dunno", "wait", "skip", "pass", "stop", "help", "something", "else", "thanks"}


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ").replace("’", "'")
    text = re.sub(r"[^a-z0-9':. ]+", " ", text)
    text = re.sub(r"(?<!\d)[.:]|[.:](?!\d)", " ", text)
    text = " ".join(SPELLINGS.get(word, word) for word in text.split())
    # Spoken contractions Alexa hears either way.
    return re.sub(r"\blet us\b", "let's", text)


def parse_number(text: str) -> int | None:
    """'42', 'forty two', 'a hundred', 'seven' -> int; anything else -> None."""
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.startswith(("minus ", "negative ")):
        rest = parse_number(text.split(" ", 1)[1])
        return None if rest is None else -rest
    words = [w for w in text.split() if w != "and"]
    if not words:
        return None
    total, current = 0, 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "a" and len(words) > 1:
            continue
        else:
            return None
    return total + current


def parse_time(text: str) -> str | None:
    """Spoken times as AMAZON.TIME gives them: 'HH:MM'; 'eight' -> '08:00', 'eight pm' -> '20:00'."""
    text = text.replace("o'clock", "").replace("oclock", "").strip()
    if text in ("noon", "midday", "twelve noon"):
        return "12:00"
    if text in ("midnight", "twelve midnight"):
        return "00:00"
    evening = bool(re.search(r"\b(pm|p m|in the evening|at night|tonight)\b", text))
    morning = bool(re.search(r"\b(am|a m|in the morning)\b", text))
    text = re.sub(r"\b(pm|p m|am|a m|in the evening|in the morning|at night|tonight)\b", "", text).strip()
    minutes = 0
    if text.startswith("half past "):
        minutes, text = 30, text[len("half past "):]
    elif text.startswith("quarter past "):
        minutes, text = 15, text[len("quarter past "):]
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?", text)
    if match:
        hour, minutes = int(match.group(1)), int(match.group(2) or minutes)
    else:
        parts = text.split()
        hour = parse_number(parts[0]) if parts else None
        if hour is None:
            return None
        if len(parts) > 1:
            extra = parse_number(" ".join(parts[1:]))
            if extra is None:
                return None
            minutes = extra
    if hour is None or not (0 <= hour <= 23 and 0 <= minutes <= 59):
        return None
    if evening and hour < 12:
        hour += 12
    if morning and hour == 12:
        hour = 0
    return f"{hour:02d}:{minutes:02d}"


@dataclass
class SlotValue:
    value: str
    resolved_id: str | None = None
    resolved_name: str | None = None
    custom: bool = False


@dataclass
class MatchResult:
    intent: str
    slots: dict[str, SlotValue] = field(default_factory=dict)
    score: float = 0.0

    def request(self, locale: str = "en-US", skill_id: str = "amzn1.ask.skill.console") -> dict:
        return intent_request(self, locale=locale, skill_id=skill_id)


@dataclass
class Utterance:
    """A typed line as a speaker would hear it: launch, one-shot, or in-session."""

    kind: str  # "launch", "intent", "in_session", "not_for_skill"
    text: str = ""


class Model:
    def __init__(self, data: dict) -> None:
        language = data["interactionModel"]["languageModel"]
        self.invocation = normalise(language["invocationName"])
        self.types = {t["name"]: t for t in language.get("types", [])}
        self.intents = {i["name"]: i for i in language["intents"]}
        self.slot_types = {
            intent["name"]: {s["name"]: s["type"] for s in intent.get("slots", [])} for intent in language["intents"]
        }
        self._values = {name: self._value_index(t) for name, t in self.types.items()}
        self._patterns = []
        for intent in language["intents"]:
            samples = list(intent.get("samples", [])) + BUILT_IN_SAMPLES.get(intent["name"], [])
            for sample in samples:
                self._patterns.append((intent["name"], *self._compile(sample)))
        # Slot samples: what a person may answer when the skill asks for that slot.
        self._slot_patterns = {
            (intent["name"], slot["name"]): [(intent["name"], *self._compile(sample)) for sample in slot["samples"]]
            for intent in language["intents"]
            for slot in intent.get("slots", [])
            if slot.get("samples")
        }

    @staticmethod
    def _value_index(slot_type: dict) -> dict[str, tuple[str, str]]:
        index = {}
        for value in slot_type.get("values", []):
            name = value["name"]["value"]
            ident = value.get("id") or name
            for phrase in [name, *value["name"].get("synonyms", [])]:
                index.setdefault(normalise(phrase), (ident, name))
        return index

    @staticmethod
    def _compile(sample: str):
        literal_words = 0
        pattern = ""
        slots = []
        for part in re.split(r"(\{[^}]+\})", normalise_sample(sample)):
            if part.startswith("{"):
                slots.append(part[1:-1])
                pattern += r"(.+?)"
            elif part:
                literal_words += len(part.split())
                pattern += re.escape(part)
        pattern = re.sub(r"(\\ )+", r"\\s+", pattern)
        return re.compile(rf"^\s*{pattern}\s*$"), slots, literal_words

    def resolve(self, type_name: str, text: str) -> tuple[str, str] | None:
        index = self._values.get(type_name, {})
        for candidate in _variants(text):
            if candidate in index:
                return index[candidate]
        return None

    def _fill(self, intent: str, slot: str, text: str) -> tuple[SlotValue, float] | None:
        type_name = self.slot_types[intent].get(slot)
        if type_name == "AMAZON.NUMBER":
            number = parse_number(text)
            return (SlotValue(str(number)), 1.0) if number is not None else None
        if type_name == "AMAZON.TIME":
            time_value = parse_time(text)
            return (SlotValue(time_value), 1.0) if time_value else None
        if type_name == "AMAZON.FirstName":
            if not _FIRST_NAME.match(text) or any(word in _NOT_NAMES for word in text.split()):
                return None
            return SlotValue(text.title()), 0.5
        if type_name in self.types:
            resolved = self.resolve(type_name, text)
            if resolved:
                return SlotValue(text, resolved[0], resolved[1], custom=True), 1.0
            if len(text.split()) > 4:
                return None
            # Alexa fills a custom slot with words of a sibling slot's type too ("something
            # romantic" as a depth); anything else is a weak, unresolved match.
            siblings = (t for t in self.slot_types[intent].values() if t != type_name and t in self.types)
            near = any(self.resolve(sibling, text) for sibling in siblings)
            return SlotValue(text, custom=True), (0.0 if near else -1.5)
        return SlotValue(text), 0.0

    def match(self, text: str, eliciting: tuple[str, str] | None = None) -> MatchResult:
        """The intent Alexa would hear. ``eliciting`` = (intent, slot) when the skill's
        last response asked for that slot (Dialog.ElicitSlot): a line that matches no
        intent is then tried against that slot's own samples ("Alex" for a name)."""
        line = normalise(text)
        best = self._best(line)
        stripped = _strip_fillers(line)
        if stripped != line:
            bare = self._best(stripped)
            if bare is not None and (best is None or bare.score > best.score):
                best = bare
        if best is None and eliciting:
            best = self._best(line, self._slot_patterns.get(eliciting, ())) or self._best(
                stripped, self._slot_patterns.get(eliciting, ())
            )
        return best or MatchResult("AMAZON.FallbackIntent")

    def _best(self, line: str, patterns=None) -> MatchResult | None:
        best: MatchResult | None = None
        for intent, regex, slots, literal_words in self._patterns if patterns is None else patterns:
            found = regex.match(line)
            if not found:
                continue
            filled, score = {}, float(literal_words)
            for slot, captured in zip(slots, found.groups()):
                result = self._fill(intent, slot, captured.strip())
                if result is None:
                    break
                filled[slot], bonus = result
                score += bonus
            else:
                if score < 0 and any(v.custom and not v.resolved_id for v in filled.values()):
                    continue  # "{depth}" or "go {depth}" must not swallow any phrase at all
                if best is None or score > best.score:
                    best = MatchResult(intent, filled, score)
        return best

    def classify(self, text: str, in_session: bool) -> Utterance:
        """Is the line an invocation, a one-shot request, or speech inside a session?"""
        line = normalise(text)
        line = re.sub(r"^((hey|ok|okay)\s+)?(alexa|echo|computer)\s+", "", line)
        name = self.invocation
        for verb in INVOCATION_VERBS:
            if line == f"{verb} {name}":
                return Utterance("launch")
            if line.startswith(f"{verb} {name} and "):
                return Utterance("intent", line[len(f"{verb} {name} and "):])
        for verb in ONE_SHOT_VERBS:
            if line == f"{verb} {name}":
                return Utterance("launch")
            for joiner in (" to ", " for ", " about ", " if ", " ", " that "):
                prefix = f"{verb} {name}{joiner}"
                if line.startswith(prefix) and len(line) > len(prefix):
                    return Utterance("intent", line[len(prefix):])
        if line in (name, f"{name} please"):
            return Utterance("launch")
        return Utterance("in_session" if in_session else "not_for_skill", line)


def normalise_sample(sample: str) -> str:
    """Normalise a sample's words the way typed lines are normalised, keeping {slots}."""
    names = re.findall(r"\{([^}]+)\}", sample)
    text = sample
    for index, name in enumerate(names):
        text = text.replace("{" + name + "}", f" zzslot{index}zz ", 1)
    text = normalise(text)
    for index, name in enumerate(names):
        text = text.replace(f"zzslot{index}zz", "{" + name + "}")
    return text


def _variants(text: str):
    text = normalise(text)
    yield text
    for article in ("our ", "the ", "my ", "a ", "an ", "your ", "each other's ", "us "):
        if text.startswith(article):
            yield text[len(article):]
    if text.endswith("s"):
        yield text[:-1]
    else:
        yield text + "s"


def _strip_fillers(line: str) -> str:
    changed = True
    while changed:
        changed = False
        for filler in FILLERS:
            if line.startswith(filler + " "):
                line, changed = line[len(filler) + 1:], True
            if line.endswith(" " + filler):
                line, changed = line[: -len(filler) - 1], True
    return line


@lru_cache(maxsize=None)
def load_model(locale: str = "en-US") -> Model:
    path = MODEL_DIR / f"{locale}.json"
    if not path.exists():
        path = MODEL_DIR / "en-US.json"
    return Model(json.loads(path.read_text(encoding="utf-8")))


def match(text: str, locale: str = "en-US", eliciting: tuple[str, str] | None = None) -> MatchResult:
    return load_model(locale).match(text, eliciting)


def intent_request(
    result: MatchResult, *, locale: str = "en-US", skill_id: str = "amzn1.ask.skill.console", in_dialog: bool = False
) -> dict:
    """The IntentRequest JSON Alexa would send for this match (all declared slots,
    entity resolution on custom slot types; ``in_dialog``: the answer to a slot the
    skill elicited)."""
    model = load_model(locale)
    slots = {}
    for name, type_name in model.slot_types.get(result.intent, {}).items():
        slot: dict = {"name": name, "confirmationStatus": "NONE"}
        filled = result.slots.get(name)
        if filled is not None:
            slot["value"] = filled.value
            slot["source"] = "USER"
            if filled.custom:
                authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{type_name}"
                if filled.resolved_id:
                    slot["resolutions"] = {"resolutionsPerAuthority": [{
                        "authority": authority,
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": filled.resolved_name, "id": filled.resolved_id}}],
                    }]}
                else:
                    slot["resolutions"] = {"resolutionsPerAuthority": [
                        {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
                    ]}
        slots[name] = slot
    return {
        "type": "IntentRequest",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "locale": locale,
        "dialogState": "IN_PROGRESS" if in_dialog else "COMPLETED",
        "intent": {"name": result.intent, "confirmationStatus": "NONE", "slots": slots},
    }
