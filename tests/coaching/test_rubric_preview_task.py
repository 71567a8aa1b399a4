"""The rubric preview with Claude runs as a queue task (django-q2; the real anthropic client against the fake
Messages API): the page shows its progress and refreshes itself until it is done; a double submit, a reload or a
task delivered twice never spends again; a failed or lost preview resumes without re-sending what was answered;
a preview is visible only to the editor who ran it."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import connections
from django.test import Client
from django_q.models import Task
from django_q.tasks import async_task

from analysis.models import AnalysisRun, ApiCall, ApiPurpose
from analysis.services import call_rescore_claude
from coaching.models import DimensionScore, RubricPreview
from coaching.services import rubric_preview_jobs
from coaching.services.erasure import erasure_run
from coaching.tasks import rubric_preview_run
from knowledgebase.services import rubric_version_update_draft
from tests.coaching.test_rubric_preview_claude import _url, ops_client, preview_world
from tests.factories.knowledgebase import staff_user

pytestmark = pytest.mark.django_db

REFRESH = '<meta http-equiv="refresh" content="5">'


def _ledger():
    return ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW)


@pytest.fixture
def ops(client, django_user_model):
    return ops_client(client, django_user_model)


@pytest.fixture
def world():
    return preview_world()


@pytest.fixture
def queue():
    """Our enqueue seam, held: the preview stays queued until the test plays the worker."""
    with mock.patch.object(rubric_preview_jobs, "_enqueue", autospec=True) as enqueue:
        yield enqueue


def test_a_double_submit_or_a_reload_reuses_the_preview_and_spends_once(ops, world, fake_claude):
    draft, ids = world
    first = ops.post(_url(draft), {"score": ids})
    again = ops.post(_url(draft), {"score": list(reversed(ids))})  # the second click of a double click
    assert first["Location"] == again["Location"]
    preview = RubricPreview.objects.get()
    assert preview.status == "done" and _ledger().count() == len(fake_claude.usage_log) == 2
    assert Task.objects.filter(name=f"rubric_preview:{preview.pk}").count() == 1  # one task ever queued
    for _ in range(2):
        assert "Done: 2 of 2 calls re-scored" in ops.get(first["Location"]).content.decode()
    assert _ledger().count() == 2
    assert rubric_preview_run(preview.pk).endswith("nothing to do (done, gone, or another task has it)")
    assert _ledger().count() == 2  # a task delivered twice spends nothing


def test_only_the_editor_who_ran_it_sees_the_preview(ops, world, fake_claude, django_user_model):
    draft, ids = world
    location = ops.post(_url(draft), {"score": ids})["Location"]
    assert "Your last Claude preview of this draft" in ops.get(_url(draft)).content.decode()
    other = Client()
    other.force_login(staff_user(django_user_model, username="ops2", group="coaching ops", edit_kb=True))
    assert other.get(location).status_code == 404
    assert "Your last Claude preview" not in other.get(_url(draft)).content.decode()
    assert _ledger().count() == 2  # seeing nothing, spending nothing


def test_the_page_says_it_is_waiting_and_refreshes_itself_until_done(ops, world, fake_claude, queue):
    draft, ids = world
    fake_claude.score_fn = lambda speaker_id, dimension, lines: 5 if dimension == "discovery" else 3
    location = ops.post(_url(draft), {"score": ids})["Location"]
    preview = RubricPreview.objects.get()
    queue.assert_called_once_with(preview.pk)
    page = ops.get(location).content.decode()
    assert "Waiting for a worker — 0 of 2 calls done." in page and REFRESH in page
    assert not _ledger().exists()

    async_task("coaching.tasks.rubric_preview_run", preview.pk, sync=True)  # the worker, through django-q
    page = ops.get(location).content.decode()
    assert "Done: 2 of 2 calls re-scored" in page and REFRESH not in page
    assert page.count("▲ +2") == 2 and 'id="claude-moved">2 scores would move.' in page  # discovery 3 → 5
    assert _ledger().count() == 2 and all(row.run_id is None for row in _ledger())


@pytest.mark.django_db(transaction=True)
def test_while_the_task_runs_the_page_shows_how_many_calls_are_done(ops, world, fake_claude, queue):
    draft, ids = world
    stored = list(DimensionScore.objects.order_by("pk").values_list("pk", "score", "manager_score"))
    runs = AnalysisRun.objects.count()
    location = ops.post(_url(draft), {"score": ids})["Location"]
    preview_id = RubricPreview.objects.get().pk
    fake_claude.latency_s = 1.5  # each Claude request takes a while, as real ones do

    def worker() -> None:
        try:
            rubric_preview_run(preview_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    pages, deadline = [], time.monotonic() + 30
    while thread.is_alive() and time.monotonic() < deadline:
        pages.append(ops.get(location).content.decode())
        time.sleep(0.1)
    thread.join(30)
    running = [page for page in pages if "Running — 1 of 2 calls done." in page]
    assert running and REFRESH in running[-1]
    assert "Not re-scored yet." in running[-1] and "With the draft" in running[-1]  # the first call shows already
    assert "Cost so far: <strong>$0.0" in running[-1]
    done = ops.get(location).content.decode()
    assert "Done: 2 of 2 calls re-scored" in done and REFRESH not in done and done.count("With the draft") == 2
    assert list(DimensionScore.objects.order_by("pk").values_list("pk", "score", "manager_score")) == stored
    assert AnalysisRun.objects.count() == runs and _ledger().count() == 2


def test_a_preview_that_stopped_resumes_without_resending_the_answered_call(ops, world, fake_claude):
    draft, ids = world
    sent = []

    def second_call_crashes(*, call_id, draft):
        sent.append(call_id)
        if len(sent) == 2:
            raise RuntimeError("worker lost its database")
        return call_rescore_claude(call_id=call_id, draft=draft)

    with mock.patch.object(rubric_preview_jobs, "call_rescore_claude", autospec=True) as rescore:
        rescore.side_effect = second_call_crashes
        location = ops.post(_url(draft), {"score": ids})["Location"]
    preview = RubricPreview.objects.get()
    assert (preview.status, preview.done, _ledger().count()) == ("failed", 1, 1)
    page = ops.get(location).content.decode()
    assert "Stopped after 1 of 2 calls: The preview stopped unexpectedly (RuntimeError)" in page
    assert "Run it again" in page and page.count("With the draft") == 1 and REFRESH not in page

    assert ops.post(_url(draft), {"score": ids})["Location"] == location  # "Run it again"
    preview.refresh_from_db()
    assert (preview.status, preview.done, preview.error) == ("done", 2, "")
    assert _ledger().count() == 2  # only the call not answered was sent
    assert ops.get(location).content.decode().count("With the draft") == 2


def test_a_lost_task_is_queued_again_on_a_new_submit_and_a_fresh_one_is_not(ops, world, fake_claude, queue, settings):
    draft, ids = world
    ops.post(_url(draft), {"score": ids})
    ops.post(_url(draft), {"score": ids})
    assert queue.call_count == 1  # still waiting: the same task
    preview = RubricPreview.objects.get()
    stale = preview.updated_at.replace(year=preview.updated_at.year - 1)
    RubricPreview.objects.filter(pk=preview.pk).update(updated_at=stale)  # its task was lost long ago
    ops.post(_url(draft), {"score": ids})
    assert queue.call_count == 2 and RubricPreview.objects.count() == 1
    rubric_preview_run(preview.pk)
    assert rubric_preview_run(preview.pk).endswith("nothing to do (done, gone, or another task has it)")
    assert _ledger().count() == 2


def test_a_draft_edited_after_the_preview_was_asked_for_is_not_previewed(ops, world, fake_claude, queue):
    draft, ids = world
    location = ops.post(_url(draft), {"score": ids})["Location"]
    criteria = [dict(item) for item in draft.content["criteria"]]
    criteria[1]["description"] = "Edited meanwhile."
    content = {**draft.content, "criteria": criteria}
    rubric_version_update_draft(version_id=draft.pk, content=content)
    preview = RubricPreview.objects.get()
    rubric_preview_run(preview.pk)
    page = ops.get(location).content.decode()
    assert "The draft was edited after this preview was asked for: preview it again." in page
    assert not _ledger().exists() and not fake_claude.usage_log
    ops.post(_url(draft), {"score": ids})  # the edited draft is a new preview
    assert RubricPreview.objects.count() == 2 and queue.call_count == 2


def test_a_queue_that_cannot_take_the_task_is_said_and_a_new_submit_queues_it(ops, world, fake_claude, queue):
    draft, ids = world
    queue.side_effect = ConnectionError("broker down")
    response = ops.post(_url(draft), {"score": ids}, follow=True)
    assert "Not run: The preview could not be queued: try again in a moment." in response.content.decode()
    assert RubricPreview.objects.get().status == "failed" and not _ledger().exists()
    queue.side_effect = None
    ops.post(_url(draft), {"score": ids})
    preview = RubricPreview.objects.get()
    assert preview.status == "queued" and preview.error == "" and queue.call_count == 2


def test_erasing_a_call_deletes_the_previews_that_name_it(ops, world, fake_claude):
    draft, ids = world
    ops.post(_url(draft), {"score": ids})
    call_id = DimensionScore.objects.select_related("session").get(pk=ids[0]).session.call_id
    outcome = erasure_run(call_id=call_id, actor="test", via="test")
    assert outcome.counts["rubric_previews"] == 1 and not RubricPreview.objects.exists()


def test_a_token_count_made_for_a_preview_is_a_preview_row_at_no_cost(ops, world, fake_claude, settings):
    draft, ids = world
    settings.ANALYSIS_CHUNK_TOKENS = 60  # the calls are past half the chunk limit: the count endpoint calibrates
    before = ApiCall.objects.count()
    ops.post(_url(draft), {"score": ids})
    new = ApiCall.objects.order_by("id")[before:]
    assert {row.purpose for row in new} == {ApiPurpose.RUBRIC_PREVIEW}  # chunks and token counts alike
    counts = [row for row in new if row.input_tokens == 0 and row.output_tokens == 0]
    assert len(counts) == 2 and all(row.cost_usd == 0 and row.run_id is None for row in counts)  # one per call
    assert len(new) == len(fake_claude.usage_log) + 2
