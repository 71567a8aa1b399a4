"""gunicorn's logger with secrets taken out of every line it writes (`logger_class` in config/gunicorn.py).

The access log's request line (`%(r)s`), query string (`%(q)s`) and referer carry the URL as the client sent it,
and Gong's "URL includes key" webhooks put their secret there (`/webhooks/gong/?key=…`); gunicorn's error log
names the URI too ("Error handling request /webhooks/gong/?key=…"). A filter on both loggers rewrites each
record after formatting, so no access-log format (ours or one set with GUNICORN_CMD_ARGS) can bring it back.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger

from config.logging import redact_url_secrets


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingLogger(Logger):
    """gunicorn.glogging.Logger whose access and error lines never carry a URL secret."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, _RedactFilter) for existing in log.filters):
                log.addFilter(_RedactFilter())
