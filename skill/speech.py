"""Everything the skill says, loaded from per-locale data files.

Each file in ``speech/<locale>/`` maps keys to a sentence or to a list of variants
(one is picked at random, so the skill does not sound like a recording). Sentences
use named placeholders: ``"{first}, you go first."``. Files are read once per
process (a Lambda container), not once per turn.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from pathlib import Path

SPEECH_DIR = Path(__file__).parent / "speech"
DEFAULT_LOCALE = "en-US"


class MissingSpeech(KeyError):
    pass


@lru_cache(maxsize=None)
def catalogue(locale: str) -> dict[str, list[str]]:
    folder = SPEECH_DIR / locale
    if not folder.is_dir():
        folder = SPEECH_DIR / DEFAULT_LOCALE
    merged: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"speech key {key!r} defined twice (second time in {path.name})")
            merged[key] = [value] if isinstance(value, str) else list(value)
    return merged


@lru_cache(maxsize=64)  # a folder check per turn otherwise; the folders never change while running
def supported_locale(locale: str | None) -> str:
    if locale and (SPEECH_DIR / locale).is_dir():
        return locale
    return DEFAULT_LOCALE


class Speech:
    """The sentences of one locale, with placeholders filled in."""

    def __init__(self, locale: str | None, rng: random.Random | None = None) -> None:
        self.locale = supported_locale(locale)
        self._lines = catalogue(self.locale)
        self._rng = rng or random

    def __call__(self, key: str, **values) -> str:
        return self.say(key, **values)

    def say(self, key: str, **values) -> str:
        try:
            variants = self._lines[key]
        except KeyError:
            raise MissingSpeech(key) from None
        text = variants[0] if len(variants) == 1 else self._rng.choice(variants)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._lines


def plain(text: str) -> str:
    """Escape text that comes from outside (names, content) for use inside SSML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
