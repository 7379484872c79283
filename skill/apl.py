"""Large readable text on devices with a screen (APL); voice-only devices get nothing.

One document (``apl/text.json``), read once per process; what it shows travels in the
datasource, so the document itself never changes between turns.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

APL_DIR = Path(__file__).parent / "apl"
TOKEN = "heart-text"
# Questions are one sentence, tips up to four: long text gets a smaller size.
SHORT_TEXT = 140


@lru_cache(maxsize=None)
def document(name: str = "text") -> dict:
    return json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))


def text_directives(turn, title: str, body: str, hint: str = "") -> list:
    """``[RenderDocument]`` when the device has a screen, else ``[]``."""
    if not turn.supports_apl():
        return []
    # Imported here: the APL models cost ~60 ms of cold start that voice-only devices never need.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    short = len(body) <= SHORT_TEXT
    datasources = {
        "text": {
            "title": title,
            "body": body,
            "hint": hint,
            "size": "44dp" if short else "30dp",
            "sizeRound": "28dp" if short else "22dp",
        }
    }
    return [RenderDocumentDirective(token=TOKEN, document=document(), datasources=datasources)]
