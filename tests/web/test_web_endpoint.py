"""The web endpoint over real HTTP, with full verification against a test PKI.

Every rejection is checked by its reason code as well as its status, so a test cannot
pass because the request failed for some other reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from alexa import SKILL_ID, envelope, intent_request, request, slot, speech_text
from alexa_web import CERT_URL, TestPki, encode, http, running, session_event

from skill.web.app import MAX_BODY_BYTES, create_app
from skill.web.verifier import CERT_URL_HEADER, SIGNATURE_HEADER


def post_signed(endpoint, signer, body: bytes, cert_url: str = CERT_URL):
    return http("POST", endpoint, body, signer.headers(body, cert_url))


def assert_rejected(answer, reason: str) -> None:
    status, payload = answer
    assert (status, payload) == (400, {"error": reason})


def test_a_signed_launch_is_answered_with_speech(endpoint, pki):
    status, payload = post_signed(endpoint, pki.signer, encode(session_event()))
    assert status == 200
    assert "Welcome to Heart to Heart" in speech_text(payload)
    assert payload["response"]["shouldEndSession"] is False


def test_a_verified_chain_is_downloaded_once(endpoint, pki, chain_host):
    for _ in range(3):
        assert post_signed(endpoint, pki.signer, encode(session_event()))[0] == 200
    assert chain_host.downloads == 1


@pytest.mark.parametrize("missing", [CERT_URL_HEADER, SIGNATURE_HEADER])
def test_a_missing_header_is_rejected(endpoint, pki, missing):
    body = encode(session_event())
    headers = pki.signer.headers(body)
    del headers[missing]
    assert_rejected(http("POST", endpoint, body, headers), "missing_signature_headers")


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem",
    ],
)
def test_certificate_urls_alexa_may_send_are_accepted(endpoint, pki, cert_url):
    status, payload = post_signed(endpoint, pki.signer, encode(session_event()), cert_url)
    assert status == 200, payload


@pytest.mark.parametrize(
    "cert_url, reason",
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert_url_scheme"),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert_url_scheme"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem", "cert_url_host"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "cert_url_port"),
        ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem", "cert_url_port"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/..%2Finvalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com/echo.api/..\\invalid.path/echo-api-cert.pem", "cert_url_path"),
        ("https://s3.amazonaws.com//echo.api/echo-api-cert.pem", "cert_url_path"),
    ],
)
def test_certificate_urls_outside_amazons_bucket_are_rejected(endpoint, pki, chain_host, cert_url, reason):
    assert_rejected(post_signed(endpoint, pki.signer, encode(session_event()), cert_url), reason)
    assert chain_host.downloads == 0


def test_an_unreachable_chain_is_rejected(endpoint, pki):
    url = "https://s3.amazonaws.com/echo.api/not-published.pem"
    assert_rejected(post_signed(endpoint, pki.signer, encode(session_event()), url), "cert_fetch_failed")


@pytest.mark.parametrize(
    "make_signer, reason",
    [
        (lambda pki: pki.intermediate.signer(pki.now, not_after=pki.now - timedelta(seconds=1)), "cert_expired"),
        (lambda pki: pki.intermediate.signer(pki.now, not_before=pki.now + timedelta(minutes=5)), "cert_not_yet_valid"),
        (lambda pki: pki.intermediate.signer(pki.now, san="echo-api.amazon.com.evil.example"), "cert_san_mismatch"),
        (lambda pki: pki.intermediate.signer(pki.now, san="evil.example"), "cert_san_mismatch"),
        (lambda pki: TestPki(pki.now).signer, "cert_untrusted"),  # a chain to another root
    ],
    ids=["expired", "not-yet-valid", "san-suffix", "wrong-san", "untrusted-root"],
)
def test_bad_signing_certificates_are_rejected(endpoint, pki, chain_host, make_signer, reason):
    signer = make_signer(pki)
    url = chain_host.publish(signer.chain_pem, "https://s3.amazonaws.com/echo.api/other.pem")
    assert_rejected(post_signed(endpoint, signer, encode(session_event()), url), reason)


def test_a_chain_that_is_not_pem_is_rejected(endpoint, pki, chain_host):
    url = chain_host.publish(b"not a certificate", "https://s3.amazonaws.com/echo.api/garbage.pem")
    assert_rejected(post_signed(endpoint, pki.signer, encode(session_event()), url), "cert_chain_malformed")


def test_a_chain_without_its_intermediate_is_rejected(endpoint, pki, chain_host):
    leaf_only = pki.signer.chain_pem.split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n"
    url = chain_host.publish(leaf_only, "https://s3.amazonaws.com/echo.api/leaf-only.pem")
    assert_rejected(post_signed(endpoint, pki.signer, encode(session_event()), url), "cert_untrusted")


def test_a_tampered_body_is_rejected(endpoint, pki):
    body = encode(session_event())
    headers = pki.signer.headers(body)
    tampered = body.replace(b"LaunchRequest", b"LaunchRequesT")
    assert tampered != body
    assert_rejected(http("POST", endpoint, tampered, headers), "signature_mismatch")


def test_a_signature_by_another_key_is_rejected(endpoint, pki):
    body = encode(session_event())
    impostor = TestPki(pki.now).signer  # its own key, but the trusted chain's URL
    assert_rejected(post_signed(endpoint, impostor, body), "signature_mismatch")


def test_a_signature_that_is_not_base64_is_rejected(endpoint, pki):
    body = encode(session_event())
    headers = {CERT_URL_HEADER: CERT_URL, SIGNATURE_HEADER: "not*base64!"}
    assert_rejected(http("POST", endpoint, body, headers), "signature_malformed")


@pytest.mark.parametrize("seconds, accepted", [(150, True), (151, False), (-151, False)])
def test_requests_older_or_newer_than_150_seconds_are_rejected(endpoint, pki, web_clock, seconds, accepted):
    web_clock.advance(seconds)  # the request keeps its timestamp; now moves
    answer = post_signed(endpoint, pki.signer, encode(session_event()))
    if accepted:
        assert answer[0] == 200
    else:
        assert_rejected(answer, "timestamp_out_of_range")


@pytest.mark.parametrize("minutes, accepted", [(59, True), (61, False)])
def test_skill_events_may_be_an_hour_old(endpoint, pki, web_clock, minutes, accepted):
    event = envelope(request("AlexaSkillEvent.SkillDisabled"), session=None)
    web_clock.advance(minutes=minutes)
    answer = post_signed(endpoint, pki.signer, encode(event))
    if accepted:
        assert answer[0] == 200
    else:
        assert_rejected(answer, "timestamp_out_of_range")


def test_a_request_without_timestamp_is_rejected(endpoint, pki):
    event = session_event()
    del event["request"]["timestamp"]
    assert_rejected(post_signed(endpoint, pki.signer, encode(event)), "timestamp_missing")


@pytest.mark.parametrize(
    "event",
    [
        session_event(skill_id="amzn1.ask.skill.another-skill"),
        session_event(session_skill_id="amzn1.ask.skill.another-skill"),
    ],
    ids=["context", "session"],
)
def test_requests_for_another_skill_are_rejected(endpoint, pki, event):
    assert_rejected(post_signed(endpoint, pki.signer, encode(event)), "skill_id_mismatch")


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": "1.0", "request": ',
        b"\xff\xfe not utf-8",
        b"{}",
        b"[]",
        b'{"request": {"type": "NoSuchRequest"}, "context": {}}',
        json.dumps({"version": "1.0", "request": request("LaunchRequest")}).encode(),  # no context
    ],
    ids=["truncated", "not-utf8", "empty-object", "array", "unknown-type", "no-context"],
)
def test_malformed_bodies_are_rejected(endpoint, pki, body):
    # Properly signed, so only the body itself can be the reason.
    assert_rejected(post_signed(endpoint, pki.signer, body), "body_malformed")


def padded_event(size: int) -> bytes:
    """A launch event of exactly ``size`` bytes, padded with a filler field."""
    event = session_event()
    event["padding"] = ""
    event["padding"] = "x" * (size - len(encode(event)))
    body = encode(event)
    assert len(body) == size
    return body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversize_body_is_rejected(endpoint, pki, chunked):
    body = padded_event(MAX_BODY_BYTES + 1)
    answer = http("POST", endpoint, body, pki.signer.headers(body), chunked=chunked)
    assert_rejected(answer, "body_too_large")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_of_exactly_the_limit_is_served(endpoint, pki, chunked):
    body = padded_event(MAX_BODY_BYTES)
    assert http("POST", endpoint, body, pki.signer.headers(body), chunked=chunked)[0] == 200


def test_health(endpoint):
    assert http("GET", f"{endpoint}/health") == (200, {"status": "ok"})


def test_other_paths_and_methods_answer_json(endpoint):
    assert http("GET", endpoint) == (405, {"error": "method_not_allowed"})
    assert http("GET", f"{endpoint}/nowhere") == (404, {"error": "not_found"})


def test_without_verification_unsigned_requests_are_served_but_the_skill_id_is_checked(skill):
    with running(create_app(skill, verify=False, skill_id=SKILL_ID)) as url:
        status, payload = http("POST", url, encode(session_event()))
        assert status == 200
        assert "Welcome to Heart to Heart" in speech_text(payload)
        assert_rejected(http("POST", url, encode(session_event(skill_id="amzn1.ask.skill.other"))), "skill_id_mismatch")


def test_a_skill_failure_is_a_json_500_without_details(pki, verifier):
    class BrokenSkill:
        def invoke(self, request_envelope, context):
            raise RuntimeError("something a couple said")

    with running(create_app(BrokenSkill(), verifier=verifier, skill_id=SKILL_ID)) as url:
        assert post_signed(url, pki.signer, encode(session_event())) == (500, {"error": "internal_error"})


def test_one_log_line_per_request_without_anything_a_couple_said(endpoint, pki, web_log):
    secret = "our-private-words"
    event = session_event(intent_request("AMAZON.HelpIntent", {"topic": slot("topic", secret)}))
    status, payload = post_signed(endpoint, pki.signer, encode(event))
    assert status == 200
    assert_rejected(http("POST", endpoint, encode(session_event())), "missing_signature_headers")

    assert len(web_log) == 2
    served, refused = (json.loads(line) for line in web_log)
    assert served["event"] == "web_request"
    assert (served["request_type"], served["intent"], served["outcome"], served["status"]) == (
        "IntentRequest",
        "AMAZON.HelpIntent",
        "ok",
        200,
    )
    assert served["ms"] >= 0
    assert (refused["outcome"], refused["reason"], refused["status"]) == ("rejected", "missing_signature_headers", 400)
    everything = "\n".join(web_log)
    spoken = speech_text(payload)
    assert spoken
    for private in (secret, event["context"]["System"]["user"]["userId"], spoken, SKILL_ID):
        assert private not in everything
