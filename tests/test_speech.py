"""Every sentence in the speech files is valid SSML Alexa will accept."""

from __future__ import annotations

import re
import string
import xml.etree.ElementTree as ElementTree

import pytest

from skill.speech import SPEECH_DIR, catalogue

LOCALES = sorted(path.name for path in SPEECH_DIR.iterdir() if path.is_dir())
ALLOWED_TAGS = {"speak", "break", "say-as", "emphasis", "prosody", "p", "s", "sub", "amazon:emotion"}


def variants():
    for locale in LOCALES:
        for key, lines in catalogue(locale).items():
            for index, line in enumerate(lines):
                yield pytest.param(line, id=f"{locale}:{key}:{index}")


def filled(line: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(line) if name}
    return line.format(**{name: "Sam" for name in names})


@pytest.mark.parametrize("line", list(variants()))
def test_speech_is_valid_ssml_within_alexa_limits(line):
    text = filled(line)
    root = ElementTree.fromstring(f'<speak xmlns:amazon="urn:amazon">{text}</speak>')
    for element in root.iter():
        tag = element.tag.replace("{urn:amazon}", "amazon:")
        assert tag in ALLOWED_TAGS, tag
    for seconds in re.findall(r'<break time="(\d+(?:\.\d+)?)s"', text):
        assert float(seconds) <= 10
    assert len(text) < 2_000, "one sentence group should never approach Alexa's 8,000 characters"
    assert "  " not in text and text == text.strip()
