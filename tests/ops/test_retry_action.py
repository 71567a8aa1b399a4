"""The "Retry" admin action on the call list."""

from __future__ import annotations

from unittest import mock

import pytest

from gong.models import CallStatus
from ops import services
from ops.actions import call_admin_actions_register
from tests.factories.gong import CallFactory, TranscriptFactory

pytestmark = pytest.mark.django_db


def test_retry_action_on_the_call_list_sends_failed_calls_back(admin_client_logged_in):
    call_admin_actions_register()
    call = CallFactory(status=CallStatus.FAILED, status_reason="analysis crashed")
    TranscriptFactory(call=call)
    with mock.patch.object(services, "call_analysis_enqueue", autospec=True) as enqueue:
        response = admin_client_logged_in.post(
            "/admin/gong/call/", {"action": "retry_calls", "_selected_action": [call.pk]}, follow=True
        )
    call.refresh_from_db()
    assert call.status == CallStatus.TRANSCRIBED
    enqueue.assert_called_once_with(call_id=call.pk)
    assert "1 call(s) sent back through the pipeline." in response.content.decode()
