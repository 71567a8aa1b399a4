"""Expected failures that callers turn into a clear message (HTTP 4xx, a CLI line, an MCP tool error)."""

from __future__ import annotations


class ApplicationError(Exception):
    """An expected, user-facing failure. `message` is safe to show; `extra` carries structured detail."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    """The object does not exist, or the caller may not see it (the two are indistinguishable on purpose)."""
