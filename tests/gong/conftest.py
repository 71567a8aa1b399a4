"""Keys, fixtures and signing helpers for the Gong ingestion tests."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gong"
WEBHOOK_PATH = "/webhooks/gong/"
PUBLIC_URL = "https://callcoach.example.com/webhooks/gong/"


@dataclass(frozen=True)
class RsaKeys:
    private_pem: bytes
    public_pem: str
    public_b64: str


def _keys() -> RsaKeys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key()
    public_pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return RsaKeys(private_pem, public_pem.decode(), base64.b64encode(der).decode())


@pytest.fixture(scope="session")
def gong_keys() -> RsaKeys:
    return _keys()


@pytest.fixture(scope="session")
def other_keys() -> RsaKeys:
    return _keys()


def fixture_body(name: str) -> bytes:
    """The exact bytes of one webhook scenario under tests/fixtures/gong/."""
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict:
    return json.loads(fixture_body(name))


def sign(body: bytes, keys: RsaKeys, *, url: str = PUBLIC_URL, exp_in: int = 300, **claims) -> str:
    """An RS256 JWT like Gong's "Signed JWT header" for this body."""
    payload = {"webhook_url": url, "body_sha256": hashlib.sha256(body).hexdigest(), "exp": int(time.time()) + exp_in}
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, keys.private_pem, algorithm="RS256")


def unsigned_token(header: dict, claims: dict, signature: bytes = b"") -> str:
    """A hand-built JWT (for alg=none and HS256 forgeries PyJWT refuses to create)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    return f"{signing_input}.{part(signature)}"


@pytest.fixture
def jwt_settings(settings, gong_keys):
    settings.GONG_WEBHOOK_PUBLIC_KEY = [gong_keys.public_b64]
    settings.GONG_WEBHOOK_URL_KEY = ""
    settings.GONG_WEBHOOK_HMAC_SECRET = ""
    settings.GONG_WEBHOOK_PUBLIC_URL = PUBLIC_URL
    return settings


# --- the simulator (helper A's fake Gong over real HTTP) -------------------------------------------------------


@pytest.fixture(scope="session")
def corpus():
    from gong.simulator.corpus import corpus_build

    return corpus_build(seed=7, calls=14, long_calls=0, private_calls=1, internal_calls=1, late_calls=1)


@pytest.fixture
def simulator(corpus):
    from gong.simulator.server import SimulatorServer

    with SimulatorServer(corpus, rate_per_second=50) as server:
        yield server


@pytest.fixture
def gong_settings(settings, simulator):
    settings.GONG_BASE_URL = simulator.base_url
    settings.GONG_ACCESS_KEY = simulator.access_key
    settings.GONG_ACCESS_KEY_SECRET = simulator.access_key_secret
    settings.GONG_RATE_PER_SECOND = 40.0
    settings.GONG_FETCH_DEBOUNCE_S = 0
    settings.GONG_ENQUEUE_ANALYSIS = False
    settings.GONG_MAX_RETRY_WAIT_S = 5.0
    return settings


@pytest.fixture
def gong_client(gong_settings):
    from gong.client import GongClient

    return GongClient.from_settings()


def corpus_ids(corpus, *, kind: str) -> list[str]:
    """Call ids of one kind in the corpus: regular, private, internal or late."""
    late = set(corpus.transcript_ready_at)
    private = set(corpus.call_ids(private=True))
    internal = set(corpus.call_ids(scope="Internal"))
    everything = [record["metaData"]["id"] for record in corpus.calls]
    if kind == "private":
        return sorted(private)
    if kind == "internal":
        return sorted(internal - private)
    if kind == "late":
        return sorted(late - private - internal)
    return [cid for cid in everything if cid not in late | private | internal]
