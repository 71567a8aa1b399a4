"""Typed failures of talking to Gong. All are GongError; callers catch the specific ones they can handle."""

from __future__ import annotations


class GongError(Exception):
    """Gong answered with an error we cannot handle here, or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id


class GongAuthError(GongError):
    """401/403: the access key or secret is wrong, or lacks a scope. Retrying will not help."""


class GongRateLimited(GongError):
    """429 that did not clear within our retry budget; `retry_after` is how many seconds Gong asked us to wait."""

    def __init__(self, message: str, *, retry_after: float, status: int | None = 429, **kwargs) -> None:
        super().__init__(message, status=status, **kwargs)
        self.retry_after = retry_after


class GongBudgetExhausted(GongRateLimited):
    """Our own daily budget (GONG_DAILY_BUDGET) is spent; no request was sent."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, retry_after=retry_after, status=None)


class GongCursorExpired(GongError):
    """A paging cursor outlived its TTL; the paging sequence must restart from the first page."""


class GongNotFound(GongError):
    """404 that is not Gong's "No calls found" empty result (e.g. an unknown call id)."""
