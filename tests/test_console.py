"""The local console: typed lines in, spoken replies out, sessions like a speaker."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from alexa import ROOT

from skill.app import build_skill
from skill.config import Settings
from skill.console import Speaker, spoken


def run_console(lines: list[str], db) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "skill.console", "--db", str(db)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def replies(output: str) -> list[str]:
    return [line[len("Alexa: "):] for line in output.splitlines() if line.startswith("Alexa: ")]


def test_open_help_stop_gives_sensible_spoken_replies(tmp_path):
    output = run_console(["open heart to heart", "help", "stop"], tmp_path / "c.sqlite3")
    said = replies(output)
    assert len(said) == 3
    assert "Welcome to Heart to Heart" in said[0]
    assert "ask us a question" in said[1]
    assert "session closed" in output
    assert "<speak>" not in output


def test_progress_persists_across_console_runs(tmp_path):
    db = tmp_path / "c.sqlite3"
    run_console(["open heart to heart", "stop"], db)
    second = replies(run_console(["open heart to heart", "stop"], db))
    assert "Welcome to Heart to Heart. I help" not in second[0]


def speaker(tmp_path) -> tuple[Speaker, io.StringIO]:
    out = io.StringIO()
    skill = build_skill(settings=Settings(skill_id=None, table_name=None, db_path=str(tmp_path / "s.sqlite3")))
    return Speaker(skill, user_id="amzn1.ask.account.CONSOLE-TEST", out=out), out


def test_lines_that_match_nothing_become_fallback(tmp_path):
    console, out = speaker(tmp_path)
    console.hear("open heart to heart")
    console.hear("purple monkey dishwasher")
    assert "(AMAZON.FallbackIntent)" in out.getvalue()
    assert console.session is not None


def test_silence_reprompts_once_then_closes_the_session(tmp_path):
    console, out = speaker(tmp_path)
    console.hear("open heart to heart")
    console.hear("")
    assert console.session is not None
    console.hear("")
    assert console.session is None
    assert "Alexa closes the session" in out.getvalue()


def test_one_shot_opens_a_session_and_lines_without_one_are_explained(tmp_path):
    console, out = speaker(tmp_path)
    console.hear("ask heart to heart for help")
    assert "(AMAZON.HelpIntent)" in out.getvalue()
    console.hear("stop")
    console.hear("help")
    assert "no session is open" in out.getvalue()


def test_ssml_is_shown_as_spoken_with_pauses():
    assert spoken('<speak>Phones away.<break time="3s"/>Ready?</speak>') == "Phones away. (pause 3s) Ready?"
    assert spoken("<speak>Tom &amp; Jo</speak>") == "Tom & Jo"


def test_reminders_and_permissions_work_against_the_local_alexa_api(tmp_path):
    db = tmp_path / "c.sqlite3"
    output = run_console([
        "ask heart to heart to remind us every evening at eight pm", "yes",
        "yes",  # Alexa's permission prompt
        "ask heart to heart what reminders do we have",
    ], db)
    assert "permission prompt answered: ACCEPTED" in output
    assert "Alexa saves a reminder: FREQ=DAILY;BYHOUR=20" in output
    assert "every day at 8 PM" in replies(output)[-1]
    saved = json.loads((tmp_path / "c.alexa.json").read_text())
    assert len(saved["reminders"]) == 1
    again = run_console(["ask heart to heart what reminders do we have"], db)
    assert "one reminder" in replies(again)[0], "granted permission and reminders survive a restart"


def test_a_denied_permission_creates_nothing_and_the_skill_carries_on(tmp_path):
    output = run_console(["ask heart to heart to remind us every evening at eight pm", "yes", "no"], tmp_path / "d.sqlite3")
    assert "permission prompt answered: DENIED" in output
    assert "Alexa saves a reminder" not in output
    assert replies(output)[-1]


def test_speak_reads_replies_aloud_with_espeak_ng(tmp_path):
    """A stand-in espeak-ng on PATH records what it is asked to say (no sound card here)."""
    import os
    import stat

    said = tmp_path / "said.txt"
    fake = tmp_path / "bin" / "espeak-ng"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nfor last; do :; done\necho "$last" >> "{said}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = subprocess.run(
        [sys.executable, "-m", "skill.console", "--speak", "--db", str(tmp_path / "s.sqlite3")],
        input="open heart to heart\nstop\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 0, result.stderr
    spoken_lines = said.read_text().splitlines()
    assert len(spoken_lines) == 2 and "Welcome to Heart to Heart" in spoken_lines[0]
    assert "<" not in said.read_text()
