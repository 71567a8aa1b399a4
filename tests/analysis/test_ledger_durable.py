"""The cost ledger's rows, and the runs naming a created Message Batch, commit synchronously even on the queue
worker's connections, which commit asynchronously by default (config/database.py): a server crash must not take
a request Anthropic may bill, or a batch it bills, out of the database."""

from __future__ import annotations

import pytest
from django.db import connection

from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose
from analysis.services import batch_submit
from analysis.services.ledger import api_call_open, api_call_record, cache_hit_record
from tests.factories.analysis import call_with_reps

pytestmark = pytest.mark.django_db


def _as_the_worker() -> None:
    """The qcluster's connections: synchronous_commit off for the session."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")


def _commit_mode() -> str:
    """The setting the surrounding transaction (the test's) will commit with."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_a_request_about_to_be_sent_is_recorded_with_a_synchronous_commit():
    _as_the_worker()
    assert _commit_mode() == "off"
    opened = api_call_open(run_id=None, call_id="c-1", purpose=ApiPurpose.CALL_ANALYSIS, model="claude-x")
    assert _commit_mode() == "on"
    assert ApiCall.objects.get(pk=opened.id).status == ApiCallStatus.PENDING


def test_what_a_request_cost_is_recorded_with_a_synchronous_commit():
    opened = api_call_open(run_id=None, call_id="c-2", purpose=ApiPurpose.CALL_ANALYSIS, model="claude-x")
    _as_the_worker()
    assert _commit_mode() == "off"
    api_call_record(run_id=None, call_id="c-2", purpose=ApiPurpose.CALL_ANALYSIS, model="claude-x", opened=opened)
    assert _commit_mode() == "on"
    assert ApiCall.objects.get(pk=opened.id).status == ApiCallStatus.ERROR  # no reply, no error: not ok


def test_a_cache_hit_marker_does_not_force_a_flush():
    _as_the_worker()
    cache_hit_record(run_id=None, call_id="c-3", model="claude-x")
    assert _commit_mode() == "off"
    assert ApiCall.objects.filter(call_id="c-3", purpose=ApiPurpose.CACHE_HIT).count() == 1


def test_a_created_message_batch_is_recorded_with_a_synchronous_commit(kb, fake_claude):
    call = call_with_reps(seed=3)
    _as_the_worker()
    submission = batch_submit(call_ids=[call.pk])
    assert submission.batch_id
    assert _commit_mode() == "on"  # the runs naming the billed batch
    assert AnalysisRun.objects.get(call_id=call.pk).batch_id == submission.batch_id
