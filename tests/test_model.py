"""The interaction model and the code agree: every intent is handled, every handled
intent is declared, every slot type exists, no sample belongs to two intents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from alexa import ROOT, envelope, intent_request

MODEL_PATH = ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json"
HANDLER_DIR = ROOT / "skill" / "handlers"
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
}


def language_model() -> dict:
    return json.loads(MODEL_PATH.read_text())["interactionModel"]["languageModel"]


def model_intents() -> set[str]:
    return {intent["name"] for intent in language_model()["intents"]}


def intents_named_in_code() -> set[str]:
    names = set()
    for path in HANDLER_DIR.glob("*.py"):
        names |= set(re.findall(r"[\"']((?:AMAZON\.)?[A-Z][A-Za-z]+Intent)[\"']", path.read_text()))
    return names


def test_invocation_name_and_required_built_ins():
    model = language_model()
    assert model["invocationName"] == "heart to heart"
    assert REQUIRED_BUILT_INS <= model_intents()


def test_every_intent_named_in_handlers_is_in_the_model():
    missing = intents_named_in_code() - model_intents()
    assert not missing, f"handled but not in the model: {sorted(missing)}"


def _handlers_for(intent: str, flows: list[str | None]):
    from ask_sdk_core.attributes_manager import AttributesManager
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.handlers import builtins, request_handlers

    found = set()
    for flow in flows:
        attributes = {"flow": {"name": flow}} if flow else {}
        body = envelope(intent_request(intent), session={"new": False, "sessionId": "s", "attributes": attributes,
                                                          "application": {"applicationId": "x"},
                                                          "user": {"userId": "u"}})
        request_envelope = DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)
        handler_input = HandlerInput(
            request_envelope=request_envelope, attributes_manager=AttributesManager(request_envelope)
        )
        for handler in request_handlers():
            if handler.can_handle(handler_input):
                if not isinstance(handler, builtins.UnhandledIntentHandler):
                    found.add(type(handler).__name__)
                break
    return found


def _flow_names() -> list[str | None]:
    names: set[str | None] = {None}
    for path in HANDLER_DIR.glob("*.py"):
        names |= set(re.findall(r"start_flow\(\s*[\"']([a-z_]+)[\"']", path.read_text()))
        names |= set(re.findall(r"FLOW\s*=\s*[\"']([a-z_]+)[\"']", path.read_text()))
    return sorted(names, key=lambda n: n or "")


@pytest.mark.parametrize("intent", sorted(model_intents()))
def test_every_model_intent_has_a_handler(intent):
    assert _handlers_for(intent, _flow_names()), f"{intent} reaches only the 'unhandled' answer"


def test_every_slot_type_exists_and_custom_types_have_values():
    model = language_model()
    declared = {slot_type["name"]: slot_type for slot_type in model.get("types", [])}
    for intent in model["intents"]:
        for slot in intent.get("slots", []):
            assert slot["type"].startswith("AMAZON.") or slot["type"] in declared, slot
        used = set(re.findall(r"\{([^}]+)\}", " ".join(intent.get("samples", []))))
        assert used <= {slot["name"] for slot in intent.get("slots", [])}, (intent["name"], used)
    for name, slot_type in declared.items():
        assert slot_type["values"], f"slot type {name} has no values"
        ids = [value.get("id") for value in slot_type["values"]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"


def test_no_sample_is_claimed_by_two_intents():
    from skill.nlu import normalise_sample

    owners: dict[str, str] = {}
    clashes = []
    for intent in language_model()["intents"]:
        for sample in intent.get("samples", []):
            key = re.sub(r"\{[^}]+\}", "{}", normalise_sample(sample))
            if key in owners and owners[key] != intent["name"]:
                clashes.append((sample, owners[key], intent["name"]))
            owners.setdefault(key, intent["name"])
    assert not clashes


def test_samples_are_speakable():
    """Alexa wants words, not digits or punctuation, in samples and slot values."""
    model = language_model()
    for intent in model["intents"]:
        for sample in intent.get("samples", []):
            assert re.fullmatch(r"[a-zA-Z' {}]+", sample), (intent["name"], sample)
            assert sample == sample.strip() and "  " not in sample
    for slot_type in model.get("types", []):
        for value in slot_type["values"]:
            for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                assert re.fullmatch(r"[a-zA-Z' \-]+", phrase), (slot_type["name"], phrase)


def test_skill_manifest_is_ready_for_the_ask_cli():
    manifest = json.loads((ROOT / "interaction_model" / "skill.json").read_text())["manifest"]
    en = manifest["publishingInformation"]["locales"]["en-US"]
    assert "not a substitute for professional help" in en["description"]
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is True, "first names are kept: the manifest must say so"
    assert privacy["locales"]["en-US"]["privacyPolicyUrl"].startswith("https://")
    assert (ROOT / "docs" / "PRIVACY.md").exists()
    events = {e["eventName"] for e in manifest["events"]["subscriptions"]}
    assert "SKILL_DISABLED" in events
    resources = json.loads((ROOT / "ask-resources.json").read_text())
    src = ROOT / resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (src / "skill.json").exists() and (src / "interactionModels" / "custom" / "en-US.json").exists()
