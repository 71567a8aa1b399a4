"""A result-cache hit writes a $0 ledger marker whose commit does not wait for the disk (synchronous_commit off for
that transaction only); inside a caller's transaction nothing is relaxed."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from analysis.models import ApiCall
from analysis.services.ledger import cache_hit_record

pytestmark = pytest.mark.django_db(transaction=True)  # the marker's own transaction must really commit


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_the_marker_commits_asynchronously_in_its_own_transaction_and_is_stored():
    with CaptureQueriesContext(connection) as queries:
        cache_hit_record(run_id=None, call_id="7000000000000000001", model="claude-x")
    statements = [q["sql"].split(" (", 1)[0] for q in queries.captured_queries]
    assert statements == [
        "BEGIN", "SET LOCAL synchronous_commit TO OFF", 'INSERT INTO "analysis_api_call"', "COMMIT"
    ]  # fmt: skip
    marker = ApiCall.objects.get(call_id="7000000000000000001")
    assert (marker.purpose, marker.cost_usd, marker.input_tokens, marker.status) == ("cache_hit", 0, 0, "ok")
    assert _synchronous_commit() == "on"  # SET LOCAL ended with the marker's transaction


def test_inside_a_callers_transaction_the_commit_is_left_as_it_is():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        cache_hit_record(run_id=None, call_id="7000000000000000002", model="claude-x")
        assert _synchronous_commit() == "on"
    assert not any("SET LOCAL" in q["sql"] for q in queries.captured_queries)
    assert ApiCall.objects.filter(call_id="7000000000000000002", purpose="cache_hit").count() == 1
