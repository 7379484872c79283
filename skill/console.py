"""Talk to Heart to Heart in a terminal, as if it were a speaker. No AWS needed.

Type what you would say ("open heart to heart", "ask us a question", "stop"). Each line
is matched against the interaction model into the JSON request Alexa would send, run
through the same skill as on Lambda (on the embedded store), and the reply is printed
as it would be spoken. Sessions open and close as on a speaker: with no session open
you start one with "open heart to heart" or "ask heart to heart to ...". Press Enter
on an empty line to stay silent (Alexa reprompts once, then closes the session).
Timers, reminders and permission prompts work against a local stand-in for the Alexa
APIs (:mod:`skill.local_alexa`).

    python -m skill.console [--speak] [--db PATH] [--user ID] [--no-alexa-api]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

from . import nlu
from .app import build_skill, handle_event
from .config import Settings
from .local_alexa import TOKEN as LOCAL_TOKEN
from .local_alexa import LocalAlexa

DEFAULT_DB = Path(".data") / "console.sqlite3"
CONSOLE_USER = "amzn1.ask.account.CONSOLE-HOUSEHOLD"
CONSOLE_SKILL_ID = "amzn1.ask.skill.console"
QUIT_WORDS = (":q", ":quit", ":exit")


def spoken(ssml: str) -> str:
    """SSML as a listener hears it: tags removed, pauses shown as (pause 2s)."""
    text = re.sub(r"<break\s+time=['\"]([\d.]+m?s)['\"]\s*/>", r" (pause \1) ", ssml or "")
    text = re.sub(r"<break[^>]*/>", " (pause) ", text)
    text = re.sub(r"<alexa:name[^>]*/>", "[name]", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text).strip()


class Speaker:
    """Keeps the session the way an Echo would, and turns typed lines into requests."""

    def __init__(self, skill, *, user_id: str, locale: str = "en-US", voice: bool = False, out=sys.stdout,
                 alexa: LocalAlexa | None = None, api_endpoint: str = "") -> None:
        self.skill = skill
        self.alexa = alexa
        self.api_endpoint = api_endpoint
        self.user_id = user_id
        self.locale = locale
        self.model = nlu.load_model(locale)
        self.voice = voice and shutil.which("espeak-ng") is not None
        self.out = out
        self.session: dict | None = None
        self.reprompt: str | None = None
        self.silences = 0
        self.pending_permission: dict | None = None
        # (intent, slot) the last response asked for with Dialog.ElicitSlot, if any.
        self.eliciting: tuple[str, str] | None = None

    # ---- input -----------------------------------------------------------------
    def hear(self, line: str) -> None:
        line = line.strip()
        if not line:
            return self.silence()
        self.silences = 0
        if self.pending_permission is not None:
            return self.answer_permission(line)
        heard = self.model.classify(line, in_session=self.session is not None)
        if heard.kind == "launch":
            self.session = None
            return self.send({"type": "LaunchRequest"})
        if heard.kind == "not_for_skill":
            self.print("(no session is open: on a speaker you would say 'Alexa, ask heart to heart to "
                       f"{heard.text}'. Sending it that way.)")
        if heard.kind in ("intent", "not_for_skill"):
            self.session = None
        eliciting = self.eliciting if self.session is not None else None
        result = self.model.match(heard.text, eliciting)
        in_dialog = eliciting is not None and result.intent == eliciting[0]
        request = nlu.intent_request(result, locale=self.locale, skill_id=CONSOLE_SKILL_ID, in_dialog=in_dialog)
        self.print(f"  ({_describe(result)})")
        self.send(request)

    def silence(self) -> None:
        if self.pending_permission is not None:
            return self.answer_permission("")  # no answer to Alexa's prompt: NOT_ANSWERED
        if self.session is None:
            return
        self.silences += 1
        if self.silences == 1 and self.reprompt:
            self.print(f"Alexa: {self.reprompt}")
            self.speak(self.reprompt)
            return
        self.print("  (silence: Alexa closes the session)")
        self.send({"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}, quiet=True)
        self.session = None

    def answer_permission(self, line: str) -> None:
        request = self.pending_permission
        self.pending_permission = None
        answer = self.model.match(line).intent
        status = {"AMAZON.YesIntent": "ACCEPTED", "AMAZON.NoIntent": "DENIED"}.get(answer, "NOT_ANSWERED")
        self.print(f"  (Alexa's permission prompt answered: {status})")
        if status == "ACCEPTED" and self.alexa is not None:
            self.alexa.grant(_scope_id(request))
        self.send({
            "type": "Connections.Response",
            "name": "AskFor",
            "status": {"code": "200", "message": "OK"},
            "token": request.get("token", ""),
            "payload": {"status": status, "permissionScope": _scope(request)},
        })

    # ---- output ----------------------------------------------------------------
    def send(self, request: dict, quiet: bool = False) -> dict:
        request = {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": self.locale,
            **request,
        }
        response = handle_event(self.skill, self._envelope(request))
        body = response.get("response", {})
        if not quiet:
            self.show(body)
        if body.get("shouldEndSession") is False or self._permission_directive(body):
            self.session["new"] = False
            self.session["attributes"] = response.get("sessionAttributes") or {}
        else:
            self.session = None
            if not quiet:
                self.print("  (session closed: say 'open heart to heart' or 'ask heart to heart to ...')")
        return response

    def show(self, body: dict) -> None:
        text = spoken((body.get("outputSpeech") or {}).get("ssml", ""))
        if text:
            self.print(f"Alexa: {text}")
            self.speak(text)
        reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
        self.reprompt = spoken(reprompt) if reprompt else None
        self.eliciting = None
        for directive in body.get("directives") or []:
            if directive.get("type") == "Dialog.ElicitSlot":
                self.eliciting = ((directive.get("updatedIntent") or {}).get("name"), directive.get("slotToElicit"))
        directive = self._permission_directive(body)
        if directive:
            self.pending_permission = directive
            self.print(f"Alexa (permission prompt): May Heart to Heart use {_scope(directive)}? (yes / no / Enter)")
        for directive in body.get("directives") or []:
            if directive.get("type", "").startswith("Alexa.Presentation.APL"):
                self.print("  (a screen would show this as large text)")

    @staticmethod
    def _permission_directive(body: dict) -> dict | None:
        for directive in body.get("directives") or []:
            if directive.get("type") == "Connections.SendRequest":
                return directive
        return None

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def speak(self, text: str) -> None:
        if self.voice:
            subprocess.run(["espeak-ng", "-s", "150", re.sub(r"\(pause[^)]*\)", ",", text)], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _envelope(self, request: dict) -> dict:
        if self.session is None and request["type"] not in ("SessionEndedRequest",):
            self.session = {
                "new": True,
                "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                "application": {"applicationId": CONSOLE_SKILL_ID},
                "user": {"userId": self.user_id},
                "attributes": {},
            }
        system = {
            "application": {"applicationId": CONSOLE_SKILL_ID},
            "user": {"userId": self.user_id},
            "device": {"deviceId": "amzn1.ask.device.CONSOLE", "supportedInterfaces": {}},
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": LOCAL_TOKEN,
        }
        envelope = {"version": "1.0", "context": {"System": system}, "request": request}
        if self.session is not None:
            envelope["session"] = self.session
        return envelope


def _scope_id(directive: dict) -> str:
    scopes = ((directive.get("payload") or {}).get("permissionScopes") or [{}])
    return scopes[0].get("permissionScope", "")


def _scope(directive: dict) -> str:
    scope = _scope_id(directive)
    return {"alexa::alerts:timers:skill:readwrite": "timers",
            "alexa::alerts:reminders:skill:readwrite": "reminders"}.get(scope, scope or "that")


def _describe(result: nlu.MatchResult) -> str:
    slots = ", ".join(
        f"{name}={slot.value}" + (f" -> {slot.resolved_id}" if slot.resolved_id else "")
        for name, slot in result.slots.items()
    )
    return f"{result.intent}{' ' + slots if slots else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heart-console", description=__doc__.splitlines()[0])
    parser.add_argument("--speak", action="store_true", help="also read replies aloud with espeak-ng")
    parser.add_argument("--db", default=os.environ.get("HEART_DB_PATH") or str(DEFAULT_DB),
                        help=f"embedded store file (default {DEFAULT_DB})")
    parser.add_argument("--user", default=CONSOLE_USER, help="the household's Alexa userId")
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--no-alexa-api", action="store_true",
                        help="no local stand-in for Alexa's timers, reminders and settings APIs")
    args = parser.parse_args(argv)

    settings = Settings(skill_id=None, table_name=None, db_path=args.db)
    skill = build_skill(settings=settings)
    alexa = None if args.no_alexa_api else LocalAlexa(Path(args.db).with_suffix(".alexa.json"), notify=print)
    endpoint = alexa.start() if alexa else ""
    speaker = Speaker(skill, user_id=args.user, locale=args.locale, voice=args.speak, alexa=alexa,
                      api_endpoint=endpoint)
    interactive = sys.stdin.isatty()
    if args.speak and not speaker.voice:
        speaker.print("(espeak-ng is not installed, so replies are printed only: apt-get install espeak-ng)")
    if interactive:
        speaker.print("Heart to Heart console. Say 'open heart to heart' to begin; Enter alone = silence; :quit to leave.")
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        if line.strip().lower() in QUIT_WORDS:
            break
        if not interactive:
            speaker.print(f"you> {line}")
        speaker.hear(line)
    if speaker.session is not None:
        speaker.send({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, quiet=True)
    if alexa:
        alexa.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
