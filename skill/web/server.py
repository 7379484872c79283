"""Start the web endpoint: ``python -m skill.web [--no-verify]``.

Environment: ``HEART_HOST`` (default 127.0.0.1), ``HEART_PORT`` (default 8080),
``HEART_VERIFY`` (default on), plus what the skill itself reads (``HEART_SKILL_ID``,
``HEART_TABLE``, ``HEART_DB_PATH``). The server speaks plain HTTP: Alexa needs HTTPS
on port 443, so put a TLS-terminating reverse proxy in front of it.

``HEART_VERIFY=0`` or ``--no-verify`` turns request verification off so that local
clients (curl, the test console, a simulator) can talk to the skill. Anyone who can
reach an unverified endpoint can act as any household, so the server refuses to start
that way unless it listens on a loopback address only.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from dataclasses import dataclass
from typing import Mapping, Sequence

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

log = logging.getLogger("heart.web")


class ConfigError(ValueError):
    """A setting that prevents the server from starting."""


@dataclass(frozen=True)
class ServerConfig:
    host: str
    port: int
    verify: bool

    @classmethod
    def load(cls, argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> "ServerConfig":
        env = os.environ if env is None else env
        parser = argparse.ArgumentParser(prog="python -m skill.web", description="Heart to Heart web endpoint")
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="turn request verification off (local development; loopback hosts only)",
        )
        args = parser.parse_args(argv)
        config = cls(
            host=env.get("HEART_HOST") or DEFAULT_HOST,
            port=_port(env.get("HEART_PORT")),
            verify=_flag(env.get("HEART_VERIFY"), "HEART_VERIFY") and not args.no_verify,
        )
        if not config.verify and not is_loopback(config.host):
            raise ConfigError(
                f"refusing to start with request verification off on {config.host!r}: "
                "without verification anyone who reaches the endpoint can act as any household; "
                "use a loopback host (127.0.0.1, ::1, localhost) or turn verification on"
            )
        return config


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # any other name could resolve to anything
        return False


def _port(value: str | None) -> int:
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or int(value) > 65535:
        raise ConfigError(f"HEART_PORT must be a port number, not {value!r}")
    return int(value)


def _flag(value: str | None, name: str) -> bool:
    word = (value or "").strip().lower()
    if word == "" or word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {value!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until interrupted; 2 when the configuration is refused."""
    from werkzeug.serving import make_server

    from .. import logs
    from .app import create_app

    try:
        config = ServerConfig.load(argv)
    except ConfigError as error:
        print(f"heart web: {error}", file=sys.stderr)
        return 2
    logs.configure()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our own line per request replaces its access log
    app = create_app(verify=config.verify)
    server = make_server(config.host, config.port, app, threaded=True)
    log.info(
        "listening on http://%s:%d (verification %s)",
        config.host,
        server.server_port,
        "on" if config.verify else "OFF",
        extra={"event": "web_started"},
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
