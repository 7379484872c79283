"""Requests per second through the self-hosted web endpoint, over loopback HTTP.

The real skill (embedded SQLite store in a temporary folder) answers signed help
requests verified against a throwaway PKI, with the signing chain already cached: the
steady state of a running server. Logs are produced as in production (one JSON line
per request) and written to the null device. The same run without verification shows
what verification costs; in-process figures isolate one signature check and the
validation of a chain seen for the first time.

Bounded in count and time; prints figures and asserts nothing about them.

    .venv/bin/python benchmarks/web_bench.py [--requests 500] [--max-seconds 30]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests", ROOT / "tests" / "web"):
    sys.path.insert(0, str(folder))

from alexa import SKILL_ID, TIMESTAMP, intent_request  # noqa: E402
from alexa_web import (  # noqa: E402
    CERT_URL,
    ChainHost,
    TestPki,
    as_datetime,
    encode,
    epoch,
    http,
    running,
    session_event,
)

from skill.app import build_skill  # noqa: E402
from skill.config import Settings  # noqa: E402
from skill.logs import JsonFormatter  # noqa: E402
from skill.persistence.embedded import SqliteStore  # noqa: E402
from skill.web.app import create_app  # noqa: E402
from skill.web.verifier import AlexaRequestVerifier, canonical_cert_url  # noqa: E402


def measure(url: str, body: bytes, headers: dict[str, str], count: int, max_seconds: float) -> dict:
    """Sequential requests until ``count`` are done or ``max_seconds`` have passed."""
    latencies: list[float] = []
    failures = 0
    started = time.perf_counter()
    while len(latencies) < count and time.perf_counter() - started < max_seconds:
        sent = time.perf_counter()
        status, _ = http("POST", url, body, headers)
        latencies.append(time.perf_counter() - sent)
        failures += status != 200
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": failures,
        "per_second": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def signature_check_us(verifier: AlexaRequestVerifier, body: bytes, headers: dict[str, str], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        verifier.verify_signature(headers, body)
    return (time.perf_counter() - started) / rounds * 1e6


def chain_validation_ms(verifier_for, url: str, rounds: int) -> float:
    """A chain seen for the first time: parse, path validation, key extraction."""
    started = time.perf_counter()
    for _ in range(rounds):
        verifier_for().signing_key(url)
    return (time.perf_counter() - started) / rounds * 1000


def log_to_null_device() -> None:
    handler = logging.StreamHandler(open(os.devnull, "w"))
    handler.setFormatter(JsonFormatter())
    heart = logging.getLogger("heart")
    heart.addHandler(handler)
    heart.setLevel(logging.INFO)
    heart.propagate = False
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # as in skill.web.server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per run (default 500)")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="time limit per run (default 30)")
    args = parser.parse_args()
    log_to_null_device()

    now = epoch(TIMESTAMP)  # the verifier's clock stands still at the requests' timestamp
    pki = TestPki(as_datetime(now))
    chain_host = ChainHost()
    chain_host.publish(pki.signer.chain_pem)

    def new_verifier() -> AlexaRequestVerifier:
        return AlexaRequestVerifier(trusted_roots=[pki.root.cert], fetch=chain_host, clock=lambda: now)

    verifier = new_verifier()
    body = encode(session_event(intent_request("AMAZON.HelpIntent")))
    headers = pki.signer.headers(body)

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(skill_id=SKILL_ID, table_name=None, db_path=str(Path(folder) / "bench.sqlite3"))
        skill = build_skill(SqliteStore(settings.db_path), settings=settings)
        runs = {}
        for label, app in (
            ("verified", create_app(skill, verifier=verifier, skill_id=SKILL_ID)),
            ("unverified", create_app(skill, verify=False, skill_id=SKILL_ID)),
        ):
            with running(app) as url:
                http("POST", url, body, headers)  # warm up; caches the signing chain
                runs[label] = measure(url, body, headers, args.requests, args.max_seconds)

    print("web endpoint, real skill, AMAZON.HelpIntent, one client in sequence, loopback HTTP")
    print(f"  signing chain downloads during the runs: {chain_host.downloads}")
    for label, run in runs.items():
        print(
            f"  {label:<10} {run['per_second']:7.1f} req/s   median {run['median_ms']:6.2f} ms"
            f"   p95 {run['p95_ms']:6.2f} ms   ({run['requests']} requests, {run['failures']} failed)"
        )
    print(f"  one signature check with the chain cached: {signature_check_us(verifier, body, headers, 2000):.0f} us")
    first_time = chain_validation_ms(new_verifier, canonical_cert_url(CERT_URL), 50)
    print(f"  validating a chain not yet cached (download excluded): {first_time:.2f} ms")
    return 1 if any(run["failures"] for run in runs.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
