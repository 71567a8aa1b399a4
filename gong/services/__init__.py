"""Gong writes. Other apps import from here: `from gong.services import call_claim_for_analysis`."""

from gong.services.calls import (
    call_claim_for_analysis,
    call_mark_analyzed,
    call_mark_failed,
    call_mark_held,
    call_release,
    call_reset_for_retry,
)
from gong.services.fetch import FetchReport, calls_fetch_pending
from gong.services.sync import SyncReport, gong_sync
from gong.services.users import UsersSyncReport, role_from_title, user_link_django_user, users_sync
from gong.services.webhooks import WebhookPayloadError, WebhookReceipt, webhook_receive

__all__ = [
    "FetchReport",
    "SyncReport",
    "UsersSyncReport",
    "WebhookPayloadError",
    "WebhookReceipt",
    "call_claim_for_analysis",
    "call_mark_analyzed",
    "call_mark_failed",
    "call_mark_held",
    "call_release",
    "call_reset_for_retry",
    "calls_fetch_pending",
    "gong_sync",
    "role_from_title",
    "user_link_django_user",
    "users_sync",
    "webhook_receive",
]
