"""Send a stored review to its recipients, at most once unless a resend is asked for.

`sent_at` is claimed with a conditional UPDATE before sending, so two runs racing on the same review (the queue
is at-least-once) send one email; if the send fails the claim is undone and the next run tries again.
Sending is network I/O and happens outside any transaction.
"""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from coaching.models import WeeklyReview

logger = structlog.get_logger(__name__)


def weekly_review_send(*, review_id: int, subject: str, resend: bool = False) -> str:
    """Email the review's HTML + text to its recipients. Returns "sent", "already_sent", "no_recipients", "failed"."""
    review = WeeklyReview.objects.get(pk=review_id)
    if not review.recipients:
        return "no_recipients"
    previous = review.sent_at
    claim = WeeklyReview.objects.filter(pk=review_id)
    if not resend:
        claim = claim.filter(sent_at__isnull=True)
    if claim.update(sent_at=timezone.now()) == 0:
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
        WeeklyReview.objects.filter(pk=review_id).update(sent_at=previous)
        return "failed"
    logger.info("weekly_review_sent", review_id=review_id, week=review.week, recipients=review.recipients)
    return "sent"
