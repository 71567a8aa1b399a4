"""Production smoke (runs in `make test`): `make serve` under config.settings.production on a fresh checkout serves
the admin with its static assets, keeps the webhook URL key out of its log, and keeps answering /healthz and
webhooks while slow clients hold connections open."""

from __future__ import annotations

import json
import re
import socket
import threading
import time

import pytest
import requests

from tests.config.serving import URL_KEY, make_serve
from tests.gong.conftest import fixture_json

pytestmark = pytest.mark.django_db(transaction=True)  # the server's writes are flushed after each test


@pytest.fixture(scope="module")
def served(tmp_path_factory, django_db_setup, django_db_blocker):
    with make_serve(tmp_path_factory.mktemp("serve")) as app:
        yield app


def test_make_serve_under_production_settings_serves_the_admin_login_page_and_its_static_files(served):
    page = requests.get(f"{served.base_url}/admin/login/", timeout=10)
    assert page.status_code == 200, served.log_text()[-2000:]
    assert 'name="password"' in page.text
    # Production's manifest storage: asset URLs carry a content hash and are served (collected by make serve).
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert assets, "the login page links its stylesheets and scripts"
    hashed = [url for url in assets if re.search(r"\.[0-9a-f]{12}\.(css|js)$", url)]
    assert hashed, assets
    for url in hashed[:5]:
        assert requests.get(served.base_url + url, timeout=10).status_code == 200, url


def test_the_webhook_url_key_never_reaches_the_log(served):
    answer = requests.post(
        f"{served.base_url}/webhooks/gong/?key={URL_KEY}&other=1", data=b"{}", timeout=10
    )  # authenticated, not a call payload: 400, logged like any request
    wrong = requests.post(f"{served.base_url}/webhooks/gong/?key=wrong-{URL_KEY}", data=b"{}", timeout=10)
    assert (answer.status_code, wrong.status_code) == (400, 401)
    time.sleep(0.5)  # let the access log lines reach the file
    log = served.log_text()
    assert "/webhooks/gong/?key=[redacted]&other=1" in log, log[-2000:]
    assert URL_KEY not in log


# --- slow clients (headers sent, body trickled) ------------------------------------------------------------------

SLOW_CLIENTS = 32


def _slow_client(base_url: str, stop: threading.Event, connected: list) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            f"POST /webhooks/gong/?key={URL_KEY} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 100000\r\n\r\n{{".encode()
        )
        connected.append(1)
        while not stop.wait(0.5):  # one byte every half second: the body never completes during the test
            try:
                sock.sendall(b" ")
            except OSError:
                return


def test_healthz_and_webhooks_answer_within_a_second_while_32_slow_clients_hold_connections(served):
    stop, connected = threading.Event(), []
    clients = [
        threading.Thread(target=_slow_client, args=(served.base_url, stop, connected), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for client in clients:
        client.start()
    try:
        deadline = time.monotonic() + 10
        while len(connected) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(connected) == SLOW_CLIENTS
        time.sleep(1.0)  # every slow request is now inside the server, reading its body
        body = fixture_json("call_processed.json")
        for attempt in range(5):
            started = time.monotonic()
            health = requests.get(f"{served.base_url}/healthz", timeout=1)
            assert health.status_code in (200, 503) and "database" in health.json()["checks"]
            body["callData"]["metaData"]["id"] = f"90000000000000{attempt:02d}"
            hook = requests.post(f"{served.base_url}/webhooks/gong/?key={URL_KEY}", data=json.dumps(body), timeout=1)
            assert hook.status_code == 202, hook.text
            assert time.monotonic() - started < 2.0  # both answers, each under the 1 s timeout above
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)
