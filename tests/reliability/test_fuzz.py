"""6. Bad input: hypothesis sends ≥ 1,000 malformed, oversized, wrongly-encoded and wrongly-signed webhooks →
no response ≥ 500, every 4xx is a JSON error, nothing is stored unless the delivery was accepted (202).
Plus the JWT attacks one by one: `alg: none`, HS256 with the public key as secret, expired, future `nbf`, a
valid token replayed with another body, a token for another `webhook_url`.

Runs in `make test` (about 10 s for the 1,000+ examples).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time

import jwt
import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gong.models import Call, WebhookEvent
from gong.simulator.webhooks import webhook_body
from tests.reliability.load import corpus_scaled

pytestmark = pytest.mark.django_db

PATH = "/webhooks/gong/"
PUBLIC_URL = "http://testserver/webhooks/gong/"
MAX_BYTES = 4096
EXAMPLES = 1000

_RECORD = corpus_scaled(calls=1).calls[0]
VALID = json.loads(webhook_body({**_RECORD, "parties": _RECORD["parties"][:2]}))


@pytest.fixture
def receiver(settings, webhook_keys):
    settings.GONG_WEBHOOK_PUBLIC_KEY = [webhook_keys.public_b64]
    settings.GONG_WEBHOOK_PUBLIC_URL = PUBLIC_URL
    settings.GONG_WEBHOOK_URL_KEY = "url-key-secret-value"
    settings.GONG_WEBHOOK_HMAC_SECRET = "hmac-secret-value"
    settings.GONG_WEBHOOK_MAX_BYTES = MAX_BYTES
    settings.GONG_ENQUEUE_ANALYSIS = False
    return Client(raise_request_exception=False)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(header: dict, claims: dict, key: bytes = b"") -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{_b64(signature)}"


def _claims(body: bytes, **overrides) -> dict:
    now = int(time.time())
    claims = {"webhook_url": PUBLIC_URL, "body_sha256": hashlib.sha256(body).hexdigest(), "iat": now, "exp": now + 300}
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _signed(body: bytes, keys, **overrides) -> str:
    return jwt.encode(_claims(body, **overrides), keys.private_pem, algorithm="RS256")


# --- strategies ---------------------------------------------------------------------------------------------------

# Values that break naive code: out-of-range numbers, NUL and lone surrogates (PostgreSQL text refuses both),
# over-long ids, extreme dates.
EDGE_VALUES = [10**12, -1, 2**63, 1e20, -1e300, "a\x00b", "\ud800", "9" * 25, "", "9999-12-31T23:59:59+14:00",
               "0001-01-01T00:00:00-12:00", "2026-02-30T00:00:00Z", "x" * 600]  # fmt: skip
json_scalars = (
    st.sampled_from(EDGE_VALUES) | st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
META_KEYS = sorted(VALID["callData"]["metaData"])
PATHS = (
    [("callData", "metaData", key) for key in META_KEYS]
    + [("callData", key) for key in VALID["callData"]]
    + [("callData",), ("isTest",), ("callData", "parties", 0, "affiliation"), ("callData", "parties", 0, "userId")]
)


@st.composite
def mutated_payloads(draw) -> dict:
    """The valid payload with 1–3 fields replaced by arbitrary JSON (or deleted)."""
    payload = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = payload
        for part in path[:-1]:
            target = target[part] if isinstance(target, dict | list) and _has(target, part) else None
            if target is None:
                break
        if isinstance(target, dict | list) and _has(target, path[-1]):
            if draw(st.booleans()) and isinstance(target, dict):
                del target[path[-1]]
            else:
                target[path[-1]] = draw(json_values)
    return payload


def _has(container, key) -> bool:
    return key in container if isinstance(container, dict) else isinstance(key, int) and key < len(container)


def _encode(payload, encoding: str) -> bytes:
    text = json.dumps(payload, ensure_ascii=encoding == "ascii")
    if encoding == "ascii":
        return text.encode()
    return text.encode(encoding, errors="replace")


bodies = st.one_of(
    st.binary(max_size=600),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.tuples(mutated_payloads(), st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252", "ascii"])).map(
        lambda pair: _encode(*pair)
    ),
    st.integers(MAX_BYTES - 64, MAX_BYTES * 3).map(lambda size: json.dumps({"callData": {"x": "a" * size}}).encode()),
)
AUTH_KINDS = ("valid_jwt", "bearer_jwt", "none", "garbage", "other_body_jwt", "alg_none", "hs256_public",
              "expired", "future_nbf", "wrong_url", "url_key", "wrong_url_key", "hmac", "wrong_hmac")  # fmt: skip
VALID_KINDS = {"valid_jwt", "bearer_jwt", "url_key", "hmac"}


def _request_parts(body: bytes, kind: str, keys) -> tuple[str, dict]:
    path, headers = PATH, {}
    tokens = {
        "valid_jwt": lambda: _signed(body, keys),
        "bearer_jwt": lambda: "Bearer " + _signed(body, keys),
        "garbage": lambda: "eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln",
        "other_body_jwt": lambda: _signed(body + b" ", keys),
        "alg_none": lambda: _forged({"alg": "none", "typ": "JWT"}, _claims(body)),
        "hs256_public": lambda: _forged({"alg": "HS256", "typ": "JWT"}, _claims(body), keys.public_b64.encode()),
        "expired": lambda: _signed(body, keys, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
        "future_nbf": lambda: _signed(body, keys, nbf=int(time.time()) + 3600),
        "wrong_url": lambda: _signed(body, keys, webhook_url="https://evil.example/webhooks/gong/"),
    }
    if kind in tokens:
        headers["Authorization"] = tokens[kind]()
    elif kind in ("url_key", "wrong_url_key"):
        path += "?key=" + ("url-key-secret-value" if kind == "url_key" else "guess")
    elif kind in ("hmac", "wrong_hmac"):
        secret = b"hmac-secret-value" if kind == "hmac" else b"guess"
        headers["X-Gong-Signature"] = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return path, headers


def _stored() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM gong_call), (SELECT count(*) FROM gong_webhook_event)")
        return cursor.fetchone()


def test_fuzzed_webhooks_never_get_a_5xx_and_rejected_ones_store_nothing(receiver, webhook_keys):
    accepted: dict[str, int] = {}  # call id -> deliveries answered "accepted"

    @hsettings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        body=bodies,
        kind=st.sampled_from(AUTH_KINDS),
        content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
    )
    def probe(body, kind, content_type):
        path, headers = _request_parts(body, kind, webhook_keys)
        response = receiver.post(path, data=body, content_type=content_type, headers=headers)
        assert response.status_code < 500, (response.status_code, response.content[:300])
        if response.status_code == 202:
            assert kind in VALID_KINDS, f"accepted with {kind}"
            answer = response.json()
            assert answer["status"] in ("accepted", "duplicate")
            if answer["status"] == "accepted":
                accepted[answer["call_id"]] = accepted.get(answer["call_id"], 0) + 1
            return
        assert response.status_code in (400, 401, 413), response.status_code
        assert response["Content-Type"].startswith("application/json")
        error = response.json()["error"]
        assert isinstance(error, str) and error
        for secret in ("url-key-secret-value", "hmac-secret-value", webhook_keys.public_b64[40:80]):
            assert secret not in error

    probe()
    # Nothing but the accepted deliveries was stored: one call per accepted id, one accepted event each.
    assert set(Call.objects.values_list("id", flat=True)) == set(accepted)
    assert WebhookEvent.objects.filter(status="accepted").count() == sum(accepted.values()) == len(accepted)


# --- inputs the fuzzer found, kept as named regressions ------------------------------------------------------------

FOUND = [
    ("duration", 10**12),  # PositiveIntegerField overflows in PostgreSQL
    ("title", "a\x00b"),  # PostgreSQL text cannot hold NUL
    ("purpose", "\ud800"),  # a lone surrogate cannot be encoded to UTF-8
    ("primaryUserId", "1" * 25),  # longer than gong_call.primary_user_id's 20 characters
    ("started", 1e20),  # an epoch number beyond datetime's range
]


@pytest.mark.parametrize(("field", "value"), FOUND, ids=[field for field, _ in FOUND])
def test_a_signed_webhook_with_an_out_of_range_field_gets_a_400_not_a_500(receiver, webhook_keys, field, value):
    payload = copy.deepcopy(VALID)
    payload["callData"]["metaData"][field] = value
    body = json.dumps(payload).encode()
    response = receiver.post(
        PATH, data=body, content_type="application/json", headers={"Authorization": _signed(body, webhook_keys)}
    )
    assert response.status_code in (202, 400), (response.status_code, response.content[:200])
    if response.status_code == 400:
        assert response.json()["error"] and _stored() == (0, 0)


# --- the JWT attacks, one by one -------------------------------------------------------------------------------------

ATTACKS = ["alg_none", "hs256_public", "expired", "future_nbf", "wrong_url", "other_body_jwt"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_or_misused_jwt_is_refused_with_401_and_stores_nothing(receiver, webhook_keys, attack):
    body = json.dumps(VALID).encode()
    path, headers = _request_parts(body, attack, webhook_keys)
    response = receiver.post(path, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401 and response.json()["error"]
    assert _stored() == (0, 0)


def test_a_valid_token_replayed_with_another_body_is_refused(receiver, webhook_keys):
    body = json.dumps(VALID).encode()
    token = _signed(body, webhook_keys)
    first = receiver.post(PATH, data=body, content_type="application/json", headers={"Authorization": token})
    other = copy.deepcopy(VALID)
    other["callData"]["metaData"]["id"] = "1234567890123456789"
    replay = json.dumps(other).encode()
    second = receiver.post(PATH, data=replay, content_type="application/json", headers={"Authorization": token})
    assert first.status_code == 202 and second.status_code == 401
    assert list(Call.objects.values_list("id", flat=True)) == [VALID["callData"]["metaData"]["id"]]


# --- long version: the same fuzzer against the production-settings stack over real HTTP -----------------------------

HTTP_EXAMPLES = 3000  # scaled by RELIABILITY_SCALE (at least 300)


@pytest.mark.reliability
def test_fuzzed_webhooks_against_the_running_stack_never_get_a_5xx(pg_cluster, run_dir, record_row, webhook_keys):
    from collections import Counter

    import requests

    from tests.reliability import pg
    from tests.reliability.conftest import scale
    from tests.reliability.world import Keys, world_running

    env = {"GONG_WEBHOOK_URL_KEY": "url-key-secret-value", "GONG_WEBHOOK_HMAC_SECRET": "hmac-secret-value",
           "GONG_WEBHOOK_MAX_BYTES": str(MAX_BYTES), "GONG_WEBHOOK_PUBLIC_URL": PUBLIC_URL}  # fmt: skip
    corpus = corpus_scaled(calls=1)
    statuses: Counter = Counter()
    failures: list = []
    with world_running(corpus=corpus, run_dir=run_dir, workers=0, env=env, server_url=pg_cluster.url,
                       label="fuzz") as world:  # fmt: skip
        keys = Keys(world.keys.private_pem, world.keys.public_b64)
        session = requests.Session()
        count_sql = "SELECT (SELECT count(*) FROM gong_call), (SELECT count(*) FROM gong_webhook_event)"

        @hsettings(max_examples=scale(HTTP_EXAMPLES, 300), deadline=None, suppress_health_check=list(HealthCheck),
                   derandomize=True)  # fmt: skip
        @given(body=bodies, kind=st.sampled_from(AUTH_KINDS))
        def probe(body, kind):
            before = pg.query(world.db_url, count_sql)[0]
            path, headers = _request_parts(body, kind, keys)
            url = world.stack.base_url + path
            response = session.post(url, data=body, headers={"Content-Type": "application/json", **headers}, timeout=30)
            statuses[response.status_code] += 1
            bad = response.status_code >= 500
            if response.status_code not in (202,) and not bad:
                error = (
                    response.json().get("error")
                    if response.headers["Content-Type"].startswith("application/json")
                    else None
                )
                bad = not error or pg.query(world.db_url, count_sql)[0] != before
            if bad and len(failures) < 5:
                failures.append((response.status_code, kind, body[:200], response.text[:120]))

        probe()
    five_xx = sum(count for status, count in statuses.items() if status >= 500)
    record_row(
        test="fuzz",
        load=f"{sum(statuses.values())} hypothesis webhooks over HTTP against gunicorn (production settings), plus "
        f"{EXAMPLES} in-process in make test",
        faults="random bytes, arbitrary JSON, mutated Gong payloads with edge values, UTF-16/32/latin-1, oversized "
        "bodies; JWT alg none, HS256 with the public key, expired, future nbf, replayed, wrong webhook_url; wrong URL "
        "key and HMAC",
        lost=0,
        duplicated=0,
        five_xx=five_xx,
        passed=not failures,
        notes=f"answers {dict(sorted(statuses.items()))}; first failures: {failures[:2]}",
    )
    assert failures == [], failures
