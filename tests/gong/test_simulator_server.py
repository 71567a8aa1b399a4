"""The fake Gong API over real HTTP: paging, cursors, errors, limits, late transcripts, faults."""

from __future__ import annotations

import datetime
import math

import pytest
import requests

from gong.simulator.corpus import corpus_build
from gong.simulator.server import SimulatorServer

WEEK = datetime.date(2025, 1, 6)
WEEK_FILTER = {"fromDateTime": "2025-01-06T00:00:00Z", "toDateTime": "2025-01-13T00:00:00Z"}
NO_CALLS = "No calls found corresponding to the provided filters"


@pytest.fixture(scope="module")
def corpus():
    return corpus_build(seed=7, week_start=WEEK)


@pytest.fixture
def server(corpus):
    with SimulatorServer(corpus, rate_per_second=1000) as running:
        yield running


def post(server, path: str, body: dict, *, timeout: float = 10, **kwargs) -> requests.Response:
    kwargs.setdefault("auth", (server.access_key, server.access_key_secret))
    return requests.post(f"{server.base_url}{path}", json=body, timeout=timeout, **kwargs)


def get(server, path: str, params: dict | None = None, *, timeout: float = 10, **kwargs) -> requests.Response:
    kwargs.setdefault("auth", (server.access_key, server.access_key_secret))
    return requests.get(f"{server.base_url}{path}", params=params, timeout=timeout, **kwargs)


def test_transcripts_page_across_cursor_pages_of_one_hundred():
    big = corpus_build(seed=3, week_start=WEEK, calls=130, long_calls=0, late_calls=0)
    with SimulatorServer(big, rate_per_second=1000) as server:
        first = post(server, "/v2/calls/transcript", {"filter": WEEK_FILTER})
        assert first.status_code == 200
        records = first.json()["records"]
        assert records["totalRecords"] == 130
        assert (records["currentPageSize"], records["currentPageNumber"]) == (100, 0)
        second = post(server, "/v2/calls/transcript", {"filter": WEEK_FILTER, "cursor": records["cursor"]})
        page = second.json()
        assert page["records"]["currentPageNumber"] == 1 and "cursor" not in page["records"]
        ids = [item["callId"] for item in first.json()["callTranscripts"] + page["callTranscripts"]]
        assert sorted(ids) == sorted(big.call_ids())
        assert all("requestId" in body for body in (first.json(), page))


def test_get_calls_pages_with_cursor_in_the_query(corpus):
    with SimulatorServer(corpus, rate_per_second=1000, page_size=25) as server:
        seen, cursor = [], None
        while True:
            body = get(server, "/v2/calls", {**WEEK_FILTER, **({"cursor": cursor} if cursor else {})}).json()
            seen += [call["id"] for call in body["calls"]]
            cursor = body["records"].get("cursor")
            if not cursor:
                break
        assert sorted(seen) == sorted(corpus.call_ids())
        assert "metaData" not in body["calls"][0] and "title" in body["calls"][0]


def test_post_cursor_sent_in_the_query_string_is_ignored(corpus):
    with SimulatorServer(corpus, rate_per_second=1000, page_size=10) as server:
        first = post(server, "/v2/calls/extensive", {"filter": WEEK_FILTER}).json()
        again = post(
            server, "/v2/calls/extensive", {"filter": WEEK_FILTER}, params={"cursor": first["records"]["cursor"]}
        )
        assert again.json()["records"]["currentPageNumber"] == 0


def test_expired_cursor_is_refused_with_gongs_message(corpus):
    with SimulatorServer(corpus, rate_per_second=1000, page_size=10, cursor_ttl_s=600) as server:
        cursor = post(server, "/v2/calls/extensive", {"filter": WEEK_FILTER}).json()["records"]["cursor"]
        server.advance(601)
        expired = post(server, "/v2/calls/extensive", {"filter": WEEK_FILTER, "cursor": cursor})
        assert expired.status_code == 400
        assert expired.json()["errors"] == ["cursor has expired"]


def test_cursor_from_another_filter_is_refused(server):
    small = {"filter": {**WEEK_FILTER, "toDateTime": "2025-01-08T00:00:00Z"}}
    server.api.page_size = 5
    cursor = post(server, "/v2/calls/extensive", small).json()["records"]["cursor"]
    response = post(server, "/v2/calls/extensive", {"filter": WEEK_FILTER, "cursor": cursor})
    assert response.status_code == 400 and "Invalid cursor" in response.json()["errors"][0]


def test_empty_result_is_a_404_with_gongs_message(server):
    response = post(server, "/v2/calls/extensive", {"filter": {"callIds": ["1234567890123456789"]}})
    assert response.status_code == 404
    assert response.json()["errors"] == [NO_CALLS] and response.json()["requestId"]
    listing = get(server, "/v2/calls", {"fromDateTime": "2024-01-01T00:00:00Z", "toDateTime": "2024-01-02T00:00:00Z"})
    assert listing.status_code == 404 and listing.json()["errors"] == [NO_CALLS]


def test_from_after_to_is_a_400(server):
    response = post(server, "/v2/calls/transcript", {"filter": {"fromDateTime": "2025-01-09T00:00:00Z",
                                                                 "toDateTime": "2025-01-08T00:00:00Z"}})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == ["filter.fromDateTime: must be before toDateTime"]


def test_wrong_credentials_get_a_401_with_a_gong_error_body(server):
    response = get(server, "/v2/users", auth=("sim-key", "wrong"))
    assert response.status_code == 401
    assert set(response.json()) == {"requestId", "errors"}
    assert get(server, "/v2/users", auth=None).status_code == 401


def test_hammering_gets_429_with_retry_after_and_stays_within_three_per_second(corpus):
    with SimulatorServer(corpus, rate_per_second=3) as server:
        statuses = []
        with requests.Session() as session:
            session.auth = (server.access_key, server.access_key_secret)
            for _ in range(8):
                response = session.get(f"{server.base_url}/v2/users", timeout=10)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    assert int(response.headers["Retry-After"]) >= 1
        assert statuses[:3] == [200, 200, 200] and 429 in statuses
        stats = server.stats()
        assert stats["rate_limited"] == statuses.count(429)
        assert stats["by_endpoint"]["GET /v2/users"][429] == statuses.count(429)
        assert stats["max_per_second"] >= 4


def test_spent_daily_quota_answers_429_until_midnight_utc(corpus):
    with SimulatorServer(corpus, rate_per_second=1000, daily_limit=2) as server:
        server.now = datetime.datetime(2025, 1, 13, 22, 0, 0, tzinfo=datetime.UTC)
        assert [get(server, "/v2/users").status_code for _ in range(2)] == [200, 200]
        refused = get(server, "/v2/users")
        assert refused.status_code == 429
        assert math.isclose(int(refused.headers["Retry-After"]), 7200, abs_tol=5)
        server.advance(7201)
        assert get(server, "/v2/users").status_code == 200


def test_late_transcript_is_absent_until_the_clock_passes_its_ready_time(corpus, server):
    late_id, delay = next(iter(corpus.transcript_ready_at.items()))
    ready_id = corpus.call_ids(scope="External", private=False)[0]
    body = {"filter": {"callIds": [late_id, ready_id]}}
    before = post(server, "/v2/calls/transcript", body).json()
    assert [item["callId"] for item in before["callTranscripts"]] == [ready_id]
    alone = post(server, "/v2/calls/transcript", {"filter": {"callIds": [late_id]}})
    assert alone.status_code == 404
    server.advance(delay.total_seconds() + 1)
    after = post(server, "/v2/calls/transcript", body).json()
    assert sorted(item["callId"] for item in after["callTranscripts"]) == sorted([late_id, ready_id])


def test_content_selector_decides_which_sections_come_back(corpus, server):
    call_id = corpus.call_ids(scope="External")[0]
    bare = post(server, "/v2/calls/extensive", {"filter": {"callIds": [call_id]}}).json()["calls"][0]
    assert set(bare) == {"metaData"}
    selector = {"context": "Extended", "exposedFields": {"parties": True, "content": {"topics": True}}}
    full = post(server, "/v2/calls/extensive", {"filter": {"callIds": [call_id]}, "contentSelector": selector})
    call = full.json()["calls"][0]
    assert set(call) == {"metaData", "context", "parties", "content"}
    assert call["parties"] == corpus.call(call_id)["parties"] and set(call["content"]) == {"topics"}
    assert call["context"][0]["objects"][0]["fields"]
    basic = {"context": "Basic"}
    linked = post(server, "/v2/calls/extensive", {"filter": {"callIds": [call_id]}, "contentSelector": basic})
    assert "fields" not in linked.json()["calls"][0]["context"][0]["objects"][0]


def test_users_and_single_records_are_served(corpus, server):
    users = get(server, "/v2/users").json()
    assert [user["id"] for user in users["users"]] == [user["id"] for user in corpus.users]
    one = get(server, f"/v2/users/{corpus.users[1]['id']}").json()["user"]
    assert one["managerId"] == corpus.users[0]["id"]
    call_id = corpus.call_ids()[0]
    assert get(server, f"/v2/calls/{call_id}").json()["call"]["id"] == call_id
    assert get(server, "/v2/calls/1234").status_code == 404
    assert post(server, "/v2/calls", {"filter": WEEK_FILTER}).status_code == 400


def test_injected_faults_answer_first_then_the_api_recovers(server):
    server.fault_inject(status=503, count=2, retry_after=2)
    first = get(server, "/v2/users")
    assert first.status_code == 503 and first.headers["Retry-After"] == "2"
    assert get(server, "/v2/users").status_code == 503
    assert get(server, "/v2/users").status_code == 200
    assert server.stats()["by_status"] == {503: 2, 200: 1}


def test_a_slow_response_makes_the_client_time_out(server):
    server.fault_inject(status=None, sleep_s=1.0)
    with pytest.raises(requests.Timeout):
        get(server, "/v2/users", timeout=0.2)


def test_fault_rate_produces_server_errors(corpus):
    with SimulatorServer(corpus, rate_per_second=1000, fault_rate=0.5, seed=1) as server:
        statuses = {get(server, "/v2/users").status_code for _ in range(20)}
        assert statuses & {500, 502, 503} and 200 in statuses
