"""Regenerate the THEME, DEPTH and TIP_TOPIC slot types of the interaction model from
the content files, so what Alexa resolves and what the skill knows never drift apart.

    python tools/sync_slot_types.py          # rewrite en-US.json if it differs
    python tools/sync_slot_types.py --check  # exit 1 if it would change anything

Ids are the content ids (theme, depth, tip); the value is the spoken name (the tip's
title); synonyms are the content's synonyms without repeats.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = ROOT / "skill" / "content"
MODEL_PATH = ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json"


def _value(entry_id: str, spoken: str, synonyms: list[str]) -> dict:
    seen = {spoken.lower()}
    kept = []
    for synonym in synonyms:
        if synonym.lower() not in seen:
            seen.add(synonym.lower())
            kept.append(synonym)
    return {"id": entry_id, "name": {"value": spoken, "synonyms": kept}}


def slot_types(content_dir: Path = CONTENT_DIR) -> dict[str, list[dict]]:
    """Slot type name -> values, as the content files define them."""
    questions = json.loads((content_dir / "questions.json").read_text(encoding="utf-8"))
    tips = json.loads((content_dir / "tips.json").read_text(encoding="utf-8"))
    return {
        "THEME": [_value(k, v["spoken"], v["synonyms"]) for k, v in questions["themes"].items()],
        "DEPTH": [_value(k, v["spoken"], v["synonyms"]) for k, v in questions["depths"].items()],
        "TIP_TOPIC": [_value(t["id"], t["title"], t["synonyms"]) for t in tips["tips"]],
    }


def sync(model_path: Path = MODEL_PATH, content_dir: Path = CONTENT_DIR, *, write: bool = True) -> bool:
    """Bring the model's slot types up to date; True when something changed."""
    text = model_path.read_text(encoding="utf-8")
    model = json.loads(text)
    types = model["interactionModel"]["languageModel"].setdefault("types", [])
    wanted = slot_types(content_dir)
    changed = False
    for name, values in wanted.items():
        existing = next((t for t in types if t["name"] == name), None)
        if existing is None:
            types.append({"name": name, "values": values})
            changed = True
        elif existing["values"] != values:
            existing["values"] = values
            changed = True
    if changed and write:
        model_path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the model is out of date")
    args = parser.parse_args(argv)
    changed = sync(write=not args.check)
    if args.check:
        print("slot types out of date" if changed else "slot types up to date")
        return 1 if changed else 0
    print("slot types updated" if changed else "slot types already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
