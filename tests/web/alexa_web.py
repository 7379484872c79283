"""Alexa as the web tests (and the web benchmark) see it: a throwaway PKI shaped like
Amazon's (root, intermediate, signing certificate for echo-api.amazon.com), signed
requests, a stand-in for the S3 bucket that serves chains, and the app on a real
loopback HTTP server. The server itself never uses any of this."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.serving import make_server

from alexa import DEFAULT_USER, SKILL_ID, envelope, request
from skill.web.verifier import (
    CERT_URL_HEADER,
    SIGNATURE_HEADER,
    SIGNING_CERT_SAN,
    RequestRejected,
    canonical_cert_url,
)

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class Authority:
    """A certificate authority: a root when it signed itself, else an intermediate."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @classmethod
    def root(cls, common_name: str, now: datetime) -> "Authority":
        key = new_key()
        builder = _ca_builder(common_name, key, now, path_length=None).issuer_name(_name(common_name))
        return cls(key, builder.sign(key, hashes.SHA256()))

    def intermediate(self, common_name: str, now: datetime) -> "Authority":
        key = new_key()
        builder = _ca_builder(common_name, key, now, path_length=0)
        return Authority(key, self._issue(builder))

    def signer(
        self,
        now: datetime,
        *,
        san: str = SIGNING_CERT_SAN,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> "Signer":
        """A signing certificate (valid from a day before ``now`` to 30 days after,
        unless told otherwise) with this authority's chain."""
        key = new_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(san))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_encipherment=True,
                    content_commitment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        leaf = self._issue(builder)
        chain = [leaf] if self.is_root else [leaf, self.cert]
        return Signer(key, b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in chain))

    @property
    def is_root(self) -> bool:
        return self.cert.issuer == self.cert.subject

    def _issue(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        builder = builder.issuer_name(self.cert.subject).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
        )
        return builder.sign(self.key, hashes.SHA256())


def _ca_builder(common_name: str, key: rsa.RSAPrivateKey, now: datetime, path_length: int | None):
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_encipherment=False,
                content_commitment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


@dataclass(frozen=True)
class Signer:
    """Alexa's side of a request: a signing key and the PEM chain that vouches for it."""

    key: rsa.RSAPrivateKey
    chain_pem: bytes

    def signature(self, body: bytes) -> str:
        return base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")

    def headers(self, body: bytes, cert_url: str = CERT_URL) -> dict[str, str]:
        return {CERT_URL_HEADER: cert_url, SIGNATURE_HEADER: self.signature(body)}


class TestPki:
    """One trusted root and intermediate, and the signer Alexa would use today."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.root = Authority.root("Heart Test Root CA", now)
        self.intermediate = self.root.intermediate("Heart Test Signing CA", now)
        self.signer = self.intermediate.signer(now)


class ChainHost:
    """Stands in for the S3 bucket: serves PEM chains by URL and counts downloads."""

    def __init__(self) -> None:
        self.chains: dict[str, bytes] = {}
        self.downloads = 0

    def publish(self, chain_pem: bytes, url: str = CERT_URL) -> str:
        self.chains[canonical_cert_url(url)] = chain_pem
        return url

    def __call__(self, url: str) -> bytes:
        self.downloads += 1
        if url not in self.chains:
            raise RequestRejected("cert_fetch_failed")
        return self.chains[url]


def epoch(timestamp: str) -> float:
    """Seconds since the epoch for an Alexa timestamp such as 2026-11-26T19:30:00Z."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def as_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def encode(event: dict) -> bytes:
    return json.dumps(event).encode("utf-8")


@contextmanager
def running(app) -> Iterator[str]:
    """``app`` on a real HTTP server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), name="web-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Loopback only: never send test traffic through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, *, chunked=False
):
    """(status, parsed JSON body) for one request; error statuses are returned too.
    ``chunked`` sends the body in 8 KiB chunks with no Content-Length."""
    data = (body[start : start + 8192] for start in range(0, len(body), 8192)) if chunked else body
    outgoing = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    if body is not None:
        outgoing.add_header("Content-Type", "application/json")
    try:
        with _opener.open(outgoing, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def session_event(
    request_body: dict | None = None, *, skill_id: str = SKILL_ID, session_skill_id: str | None = None
) -> dict:
    """``request_body`` (a LaunchRequest by default) opening a new session of the
    default household, stamped with tests/alexa.py's TIMESTAMP."""
    session = {
        "new": True,
        "sessionId": "amzn1.echo-api.session.web-test",
        "application": {"applicationId": session_skill_id or skill_id},
        "user": {"userId": DEFAULT_USER},
        "attributes": {},
    }
    return envelope(request_body or request("LaunchRequest"), session=session, skill_id=skill_id)
