"""The verifier's parts that the HTTP tests do not reach: Amazon's real chain, cache
expiry, the certificate URL's canonical form and the real downloader."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from alexa_web import CERT_URL, ChainHost

from skill.web.verifier import (
    MAX_CHAIN_BYTES,
    AlexaRequestVerifier,
    RequestRejected,
    canonical_cert_url,
    fetch_cert_chain,
)

# Amazon's signing chain as it was served in 2023 (leaf valid 2023-03-16 to 2023-12-23,
# issued by Amazon RSA 2048 M01 under Amazon Root CA 1). Certificates are public.
AMAZON_CHAIN = (Path(__file__).parent / "data" / "amazon-echo-api-chain-2023.pem").read_bytes()


def at(year: int, month: int, day: int) -> float:
    return datetime(year, month, day, tzinfo=timezone.utc).timestamp()


def test_amazons_real_chain_is_trusted_through_certifi_while_in_date():
    """Guards the policy itself: a stricter profile (key usage, extended key usage,
    path rules) that Amazon's certificate fails would lock every real Alexa out."""
    verifier = AlexaRequestVerifier(fetch=lambda url: AMAZON_CHAIN, clock=lambda: at(2023, 6, 1))
    assert verifier.signing_key(CERT_URL).key_size == 2048


def test_amazons_real_chain_is_rejected_once_expired():
    verifier = AlexaRequestVerifier(fetch=lambda url: AMAZON_CHAIN, clock=lambda: at(2024, 1, 1))
    with pytest.raises(RequestRejected) as raised:
        verifier.signing_key(CERT_URL)
    assert raised.value.reason == "cert_expired"


def test_a_cached_key_is_dropped_when_its_certificate_expires(pki, web_clock):
    signer = pki.intermediate.signer(pki.now, not_after=pki.now + timedelta(hours=1))
    host = ChainHost()
    host.publish(signer.chain_pem)
    verifier = AlexaRequestVerifier(trusted_roots=[pki.root.cert], fetch=host, clock=web_clock)
    url = canonical_cert_url(CERT_URL)

    first = verifier.signing_key(url)
    web_clock.advance(minutes=59)
    assert verifier.signing_key(url) is first
    assert host.downloads == 1

    web_clock.advance(minutes=2)
    with pytest.raises(RequestRejected) as raised:
        verifier.signing_key(url)
    assert raised.value.reason == "cert_expired"
    assert host.downloads == 2


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/./echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem?x=1#y",
    ],
)
def test_accepted_urls_are_fetched_in_one_canonical_form(url):
    assert canonical_cert_url(url) == "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


class _Bucket(BaseHTTPRequestHandler):
    """A local stand-in for S3 that misbehaves on request."""

    def do_GET(self) -> None:
        if self.path == "/slow.pem":
            time.sleep(1.0)
        body = {
            "/chain.pem": b"-----BEGIN CERTIFICATE-----\n",
            "/slow.pem": b"late",
            "/big.pem": b"x" * (MAX_CHAIN_BYTES + 1),
        }.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def bucket():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bucket)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_downloader_returns_the_chain(bucket):
    assert fetch_cert_chain(f"{bucket}/chain.pem") == b"-----BEGIN CERTIFICATE-----\n"


@pytest.mark.parametrize(
    "path, reason",
    [("/big.pem", "cert_too_large"), ("/missing.pem", "cert_fetch_failed"), ("/slow.pem", "cert_fetch_failed")],
)
def test_the_downloader_refuses_oversize_missing_and_slow_answers(bucket, path, reason):
    started = time.monotonic()
    with pytest.raises(RequestRejected) as raised:
        fetch_cert_chain(f"{bucket}{path}", timeout=0.3)
    assert raised.value.reason == reason
    assert time.monotonic() - started < 0.9  # gave up before the slow answer came


def test_the_downloader_reports_a_refused_connection():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = unused.getsockname()[1]
        with pytest.raises(RequestRejected) as raised:
            fetch_cert_chain(f"http://127.0.0.1:{port}/chain.pem", timeout=1)
    assert raised.value.reason == "cert_fetch_failed"
