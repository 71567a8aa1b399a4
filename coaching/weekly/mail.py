"""Send a stored review to its recipients, at most once unless a resend is asked for.

Two workers racing on one review (the queue is at-least-once) send one email: a conditional UPDATE claims the
send (`send_started_at`) before any network I/O, and `sent_at` is written only once the mail server took the
message. A worker killed mid-send leaves its claim, which expires after the queue's task timeout: the queue's
retry then sends it, so a review is never marked sent without having been sent (at worst, a kill after the server
accepted the message and before `sent_at` was written sends it twice). A failed send releases the claim.
Sending happens outside any transaction.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from coaching.models import WeeklyReview

logger = structlog.get_logger(__name__)


def _claim_timeout_s() -> int:
    """A send claim older than the queue's task timeout belongs to a worker that was killed."""
    return int(settings.Q_CLUSTER.get("timeout") or 600)


def weekly_review_send(*, review_id: int, subject: str, resend: bool = False) -> str:
    """Email the review's HTML + text to its recipients. Returns "sent", "already_sent", "no_recipients", "failed"."""
    review = WeeklyReview.objects.get(pk=review_id)
    if not review.recipients:
        return "no_recipients"
    now = timezone.now()
    claim = WeeklyReview.objects.filter(pk=review_id).filter(
        Q(send_started_at__isnull=True) | Q(send_started_at__lt=now - timedelta(seconds=_claim_timeout_s()))
    )
    if not resend:
        claim = claim.filter(sent_at__isnull=True)
    if claim.update(send_started_at=now) == 0:
        return "already_sent"
    message = EmailMultiAlternatives(
        subject=subject,
        body=review.report_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(review.recipients),
    )
    message.attach_alternative(review.report_html, "text/html")
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("weekly_review_send_failed", review_id=review_id, recipients=review.recipients)
        WeeklyReview.objects.filter(pk=review_id, send_started_at=now).update(send_started_at=None)
        return "failed"
    WeeklyReview.objects.filter(pk=review_id).update(sent_at=timezone.now(), send_started_at=None)
    logger.info("weekly_review_sent", review_id=review_id, week=review.week, recipients=review.recipients)
    return "sent"
