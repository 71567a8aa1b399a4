"""What one webhook delivery costs the database, and that its commit is synchronous.

With the ORM queue (as deployed; the test settings run tasks synchronously, so the queue is switched to the
database here): the first delivery opens a transaction for its call and its fetch task (BEGIN, the accept
statement, the task insert, COMMIT); the deliveries that follow while that fetch is pending are one statement each,
committed on its own."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gong.models import Call, WebhookEvent
from gong.services import fetch_queue
from tests.gong.conftest import WEBHOOK_PATH, fixture_body, fixture_json, sign

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: autocommit vs BEGIN/COMMIT is what we count


@pytest.fixture
def database_queue(monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(fetch_queue, "_last_request", 0.0)


def _deliver(client, keys, call_id: str):
    payload = fixture_json("call_processed.json")
    payload["callData"]["metaData"]["id"] = call_id
    body = json.dumps(payload).encode()
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            WEBHOOK_PATH, data=body, content_type="application/json", headers={"Authorization": sign(body, keys)}
        )
    assert answer.status_code == 202, answer.content
    return answer.json()["status"], [query["sql"].split()[0].upper() for query in queries.captured_queries]


def test_a_delivery_is_one_statement_while_a_fetch_is_pending(client, jwt_settings, gong_keys, database_queue):
    from django_q.models import OrmQ

    first = _deliver(client, gong_keys, "7100000000000000001")
    second = _deliver(client, gong_keys, "7100000000000000002")
    again = _deliver(client, gong_keys, "7100000000000000002")
    assert first == ("accepted", ["BEGIN", "WITH", "INSERT", "COMMIT"])  # the call, its event and its fetch task
    assert second == ("accepted", ["WITH"])  # the fetch asked for above will claim this call too
    assert again == ("duplicate", ["WITH"])
    assert OrmQ.objects.count() == 1
    assert Call.objects.filter(pk__startswith="71").count() == 2
    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == ["accepted", "accepted", "duplicate"]


def test_after_the_window_a_delivery_asks_for_a_fetch_again(client, jwt_settings, gong_keys, database_queue):
    from django_q.models import OrmQ

    _deliver(client, gong_keys, "7200000000000000001")
    fetch_queue._last_request -= 1.0  # the half-debounce (0.5 s at most) has passed
    assert _deliver(client, gong_keys, "7200000000000000002") == ("accepted", ["BEGIN", "WITH", "INSERT", "COMMIT"])
    assert OrmQ.objects.count() == 2


def test_a_webhook_accept_transaction_commits_synchronously(client, jwt_settings, gong_keys, database_queue):
    seen: list[str] = []

    def probe(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "new_call AS" in sql:  # the accept statement: ask the same connection, in the same transaction
            with context["connection"].connection.cursor() as cursor:
                seen.append(cursor.execute("SHOW synchronous_commit").fetchone()[0])
        return result

    body = fixture_body("call_processed.json")
    with connection.execute_wrapper(probe):
        answer = client.post(
            WEBHOOK_PATH, data=body, content_type="application/json", headers={"Authorization": sign(body, gong_keys)}
        )
    assert answer.status_code == 202
    assert seen == ["on"]
