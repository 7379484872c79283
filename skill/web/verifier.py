"""Proof that a request comes from Alexa, as the web-service contract requires.

Alexa signs every request body (SHA256withRSA, header ``Signature-256``) with a key
whose certificate chain it names in ``SignatureCertChainUrl``. We check the URL, fetch
the chain, validate it with ``cryptography``'s path validation against trusted roots,
then check the signature over the raw body, the request's timestamp and the skill id.

Trusted roots come from ``certifi`` rather than the system store: it is the same
Mozilla bundle on every host (slim containers often have no system bundle at all, and
its path differs between distributions), it is pinned and upgraded like any other
requirement, and it holds the roots Amazon's signing chain ends in (Amazon Root CA 1).

Any failure raises :class:`RequestRejected`, which the web app answers with HTTP 400.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import posixpath
import re
import time
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PORT = 443
CERT_URL_PATH_PREFIX = "/echo.api/"
SIGNING_CERT_SAN = "echo-api.amazon.com"
REQUEST_TOLERANCE_S = 150
SKILL_EVENT_TOLERANCE_S = 3600
SKILL_EVENT_PREFIX = "AlexaSkillEvent."
FETCH_TIMEOUT_S = 3.0  # the whole answer must reach Alexa within 8 s
MAX_CHAIN_BYTES = 64 * 1024  # Amazon's chain is about 7 KB
_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

Fetcher = Callable[[str], bytes]
Clock = Callable[[], float]


class RequestRejected(Exception):
    """A request answered with HTTP 400. ``reason`` is a short fixed code, safe to send
    back and to log: it never carries anything taken from the request."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fetch_cert_chain(url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_CHAIN_BYTES) -> bytes:
    """The PEM chain at ``url``. A fetcher returns bytes or raises RequestRejected."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            pem = response.read(max_bytes + 1)
    except (OSError, http.client.HTTPException) as error:
        raise RequestRejected("cert_fetch_failed") from error
    if len(pem) > max_bytes:
        raise RequestRejected("cert_too_large")
    return pem


def canonical_cert_url(url: str) -> str:
    """The URL to fetch the chain from, if ``url`` follows Alexa's rules: scheme https,
    host s3.amazonaws.com in any case, port 443 if given, and a path that still starts
    with /echo.api/ (case-sensitive) once escapes and dot segments are resolved.

    The canonical form is what we fetch and cache, so what was checked is what is used.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:  # e.g. an unbalanced IPv6 bracket
        raise RequestRejected("cert_url_host") from error
    if parts.scheme != "https":  # urlsplit lower-cases the scheme
        raise RequestRejected("cert_url_scheme")
    if parts.hostname != CERT_URL_HOST or parts.username is not None or parts.password is not None:
        raise RequestRejected("cert_url_host")
    try:
        port = parts.port
    except ValueError as error:
        raise RequestRejected("cert_url_port") from error
    if port not in (None, CERT_URL_PORT):
        raise RequestRejected("cert_url_port")
    path = unquote(parts.path)
    normalised = posixpath.normpath(path) if path else ""
    if "\\" in path or not normalised.startswith(CERT_URL_PATH_PREFIX):
        raise RequestRejected("cert_url_path")
    return f"https://{CERT_URL_HOST}{quote(normalised)}"


def certifi_roots() -> list[x509.Certificate]:
    """certifi's bundle, certificate by certificate: a few old roots have non-positive
    serial numbers, which ``cryptography`` warns about today and will refuse later;
    loading them one by one keeps one refused root from emptying the store."""
    with open(certifi.where(), "rb") as bundle:
        blocks = _PEM_CERTIFICATE.findall(bundle.read())
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in blocks:
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


@dataclass(frozen=True)
class _TrustedKey:
    public_key: rsa.RSAPublicKey
    expires: float  # epoch seconds: the earliest end of validity in the verified chain


class AlexaRequestVerifier:
    """Checks signatures and timestamps. Verified signing keys are cached in memory by
    chain URL until a certificate of their chain expires, so a steady stream of requests
    costs one RSA verification each and no download.

    ``trusted_roots`` defaults to certifi's bundle; ``fetch`` and ``clock`` (epoch
    seconds) are injectable for tests.
    """

    def __init__(
        self,
        *,
        trusted_roots: Iterable[x509.Certificate] | None = None,
        fetch: Fetcher = fetch_cert_chain,
        clock: Clock = time.time,
    ) -> None:
        roots = list(trusted_roots) if trusted_roots is not None else certifi_roots()
        self._store = Store(roots)
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, _TrustedKey] = {}

    def verify_signature(self, headers: Mapping[str, str], body: bytes) -> None:
        """``body`` must be the raw bytes received: the signature covers them exactly."""
        cert_url = headers.get(CERT_URL_HEADER)
        signature = headers.get(SIGNATURE_HEADER)
        if not cert_url or not signature:
            raise RequestRejected("missing_signature_headers")
        try:
            decoded = base64.b64decode(signature, validate=True)
        except binascii.Error as error:
            raise RequestRejected("signature_malformed") from error
        public_key = self.signing_key(canonical_cert_url(cert_url))
        try:
            public_key.verify(decoded, body, padding.PKCS1v15(), SHA256())
        except InvalidSignature as error:
            raise RequestRejected("signature_mismatch") from error

    def signing_key(self, url: str) -> rsa.RSAPublicKey:
        """The public key of the verified chain at the canonical ``url``."""
        now = self._clock()
        cached = self._keys.get(url)
        if cached is not None and now < cached.expires:
            return cached.public_key
        trusted = self._verify_chain(self._fetch(url), now)
        self._keys[url] = trusted
        return trusted.public_key

    def _verify_chain(self, pem: bytes, now: float) -> _TrustedKey:
        try:
            leaf, *intermediates = x509.load_pem_x509_certificates(pem)
            names = _dns_names(leaf)
        except ValueError as error:
            raise RequestRejected("cert_chain_malformed") from error
        moment = datetime.fromtimestamp(now, timezone.utc)
        # Dates and name are checked here only to give a precise reason: path
        # validation checks them again, together with the rest of the chain.
        if moment < leaf.not_valid_before_utc:
            raise RequestRejected("cert_not_yet_valid")
        if moment > leaf.not_valid_after_utc:
            raise RequestRejected("cert_expired")
        if SIGNING_CERT_SAN not in names:
            raise RequestRejected("cert_san_mismatch")
        verifier = (
            PolicyBuilder().store(self._store).time(moment).build_server_verifier(x509.DNSName(SIGNING_CERT_SAN))
        )
        try:
            chain = verifier.verify(leaf, intermediates)
        except VerificationError as error:
            raise RequestRejected("cert_untrusted") from error
        public_key = leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise RequestRejected("cert_key_not_rsa")
        return _TrustedKey(public_key, min(cert.not_valid_after_utc for cert in chain).timestamp())

    def verify_timestamp(self, envelope) -> None:
        """Within 150 s of now, or one hour for skill events (Alexa may queue those)."""
        request = envelope.request
        stamp = request.timestamp
        if stamp is None:
            raise RequestRejected("timestamp_missing")
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        is_skill_event = request.object_type.startswith(SKILL_EVENT_PREFIX)
        tolerance = SKILL_EVENT_TOLERANCE_S if is_skill_event else REQUEST_TOLERANCE_S
        if abs(self._clock() - stamp.timestamp()) > tolerance:
            raise RequestRejected("timestamp_out_of_range")


def verify_skill_id(envelope, expected: str | None) -> None:
    """Every application id in the request (context and session) must be ``expected``;
    no check when no skill id is configured."""
    if expected and _application_ids(envelope) != {expected}:
        raise RequestRejected("skill_id_mismatch")


def _application_ids(envelope) -> set[str]:
    system = envelope.context.system if envelope.context is not None else None
    holders = (system, envelope.session)
    return {
        holder.application.application_id
        for holder in holders
        if holder is not None and holder.application is not None and holder.application.application_id
    }


def _dns_names(cert: x509.Certificate) -> list[str]:
    """The certificate's DNS names, lower-cased (DNS names are case-insensitive)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.get_values_for_type(x509.DNSName)]
